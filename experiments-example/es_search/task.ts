import type { Example, TaskContext } from "evalwire";
import { corpus } from "./_corpus";

const stopWords = new Set(["a", "an", "the", "to", "my", "i", "how", "do", "can", "your", "for", "of", "on", "in", "and", "or", "is", "what", "with", "from"]);

function terms(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((term) => term.length > 1 && !stopWords.has(term))
    .map((term) => term.replace(/(ing|es|s)$/, ""));
}

const documents = Object.entries(corpus).map(([id, text]) => ({ id, terms: new Set(terms(`${id} ${text}`)) }));

/** The code under test: a keyword search that ranks help articles by how many query terms they share. */
export async function task(example: Example, ctx: TaskContext) {
  ctx.signal.throwIfAborted();
  const query = terms(String(example.input.user_query));
  const results = documents
    .map((doc) => ({ id: doc.id, score: query.filter((term) => doc.terms.has(term)).length }))
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .map((hit) => hit.id)
    .slice(0, 5);
  return { results, top: results[0] ?? null };
}
