/**
 * `fn` over every item with at most `limit` calls in flight; results keep the
 * items' order. A rejection rejects the whole (callers that must go on per
 * item catch inside `fn`). The one worker pool of the services.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = Array.from({ length: items.length });
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, i);
  };
  const width = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: items.length === 0 ? 0 : width }, worker));
  return out;
}
