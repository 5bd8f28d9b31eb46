/** The query function rules use: an instant query on the engine, scalars turned into vectors. */
import { Labels, type Millis } from '../model/index.js';
import type { Engine } from '../promql/value.js';
import type { Queryable } from '../storage/index.js';
import type { QueryFunc } from './rule.js';

export function engineQueryFunc(engine: Engine, queryable: Queryable): QueryFunc {
  return async (query: string, t: Millis, signal?: AbortSignal) => {
    const q = engine.newInstantQuery(queryable, query, t);
    try {
      const res = await q.exec(signal);
      const v = res.value;
      switch (v.kind) {
        case 'vector': return v.v;
        case 'scalar': return [{ metric: Labels.EMPTY, t: v.t, f: v.f, h: null }];
        case 'matrix':
        case 'string':
          throw new Error('rule result is not a vector or scalar');
        default: {
          const never: never = v;
          throw new Error(`unknown value ${String(never)}`);
        }
      }
    } finally {
      q.close();
    }
  };
}
