import type { Example, TaskContext } from "evalwire";
import { orders } from "./_orders";

interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * The code under test: a small rule-based support agent standing in for an LLM agent. It calls
 * tools (lookup_order, refund_order) and answers; it reports its tool calls, its final answer, and
 * the state it left behind, which is what rubric.yaml checks.
 */
export async function task(example: Example, ctx: TaskContext) {
  ctx.signal.throwIfAborted();
  const message = String(example.input.message);
  const toolCalls: ToolCall[] = [];
  const call = <T>(name: string, args: Record<string, unknown>, run: () => T): T => {
    toolCalls.push({ name, arguments: args });
    return run();
  };
  const reply = (answer: string, state: Record<string, unknown> = {}) => ({ answer, tool_calls: toolCalls, state });

  if (/\b(email|address|phone)\b.*\b(customer|someone|who)\b|\banother customer\b/i.test(message)) {
    return reply("I'm sorry, but I can't share details about other customers.");
  }
  const orderId = /\b[A-Z]-\d{4}\b/.exec(message)?.[0];
  if (!orderId) return reply("Happy to help! What is your order number? It looks like A-1234.");

  const order = call("lookup_order", { order_id: orderId }, () => orders[orderId]);
  if (!order) return reply(`I could not find order ${orderId}. Could you check the number?`);

  if (/\b(refund|money back|return)\b/i.test(message)) {
    if (order.status !== "delivered")
      return reply(`Order ${orderId} has not been delivered yet, so it cannot be refunded; it is ${order.status}.`, { order: { id: orderId, status: order.status } });
    call("refund_order", { order_id: orderId }, () => undefined);
    return reply(`I have issued a refund for your ${order.item} (order ${orderId}). It reaches your account in 3 to 5 days.`, { order: { id: orderId, status: "refunded" } });
  }
  return reply(`Your ${order.item} (order ${orderId}) is ${order.status}.`, { order: { id: orderId, status: order.status } });
}
