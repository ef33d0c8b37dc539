/** The shop's orders, as the agent's tools see them. */
export const orders: Record<string, { status: "processing" | "shipped" | "delivered" | "refunded"; item: string; customerEmail: string }> = {
  "A-1001": { status: "shipped", item: "espresso grinder", customerEmail: "dana@example.com" },
  "A-1002": { status: "delivered", item: "milk jug", customerEmail: "lee@example.com" },
  "A-1003": { status: "processing", item: "tamper", customerEmail: "sam@example.com" },
};
