/** Lenient readers over the APIs' JSON: a field of another type reads as its zero value. */

export type JSONObject = Readonly<Record<string, unknown>>;

export const isObject = (v: unknown): v is JSONObject => typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj = (v: unknown): JSONObject => (isObject(v) ? v : {});
export const str = (o: JSONObject, k: string): string => (typeof o[k] === 'string' ? o[k] : '');
export const num = (o: JSONObject, k: string): number => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? o[k] : 0);
export const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

/** Parses a JSON body, naming `what` in the error. */
export function parseJSON(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new Error(`decoding ${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
