/** One BBB parameter as received: name and decoded value. */
export type Param = readonly [string, string];

/**
 * The parameters of a BBB call in the order they came (query first, then a
 * form body), without `checksum`. Lookups take the first value, as Grails'
 * `params.x` does in BBB; forwarding keeps every value and the order.
 */
export class BbbParams {
  private constructor(readonly entries: readonly Param[]) {}

  static parse(rawQuery: string, rawForm = ''): BbbParams {
    const entries: Param[] = [];
    for (const raw of [rawQuery, rawForm]) {
      for (const [k, v] of new URLSearchParams(raw)) if (k !== 'checksum' && k !== '') entries.push([k, v]);
    }
    return new BbbParams(entries);
  }

  static of(entries: readonly Param[]): BbbParams {
    return new BbbParams(entries.filter(([k]) => k !== 'checksum' && k !== ''));
  }

  get(name: string): string | undefined {
    return this.entries.find(([k]) => k === name)?.[1];
  }

  /** The value trimmed, '' when absent. */
  text(name: string): string {
    return (this.get(name) ?? '').trim();
  }

  has(name: string): boolean {
    return this.entries.some(([k]) => k === name);
  }

  /** Every value of `name` set to `value`, where it was (appended when absent). */
  with(name: string, value: string): BbbParams {
    if (!this.has(name)) return new BbbParams([...this.entries, [name, value]]);
    return new BbbParams(this.entries.map(([k, v]) => (k === name ? [k, value] : [k, v])));
  }

  without(...names: string[]): BbbParams {
    return new BbbParams(this.entries.filter(([k]) => !names.includes(k)));
  }

  /** Form-encoded, in order, ready for the scheduler to sign. */
  toQuery(): string {
    const s = new URLSearchParams();
    for (const [k, v] of this.entries) s.append(k, v);
    return s.toString();
  }
}
