/**
 * Segment's setting types. Values arriving as strings (CLI `KEY=VALUE`, env) are accepted where
 * unambiguous: "true"/"false" for boolean, a JSON array/object for array/map.
 */

/** The types function.json may declare (its schema, runtime/function/config.ts, and the Lambda's shape check use this list). */
export const SETTING_TYPES = ['string', 'boolean', 'array', 'map'] as const;
export type SettingType = (typeof SETTING_TYPES)[number];

export type Coerced = { ok: true; value: unknown } | { ok: false; expected: string };

const EXPECTED: Record<SettingType, string> = {
  string: 'a string',
  boolean: 'a boolean',
  array: 'an array of strings',
  map: 'a map (object) of strings',
};

export function coerceSetting(type: SettingType, value: unknown): Coerced {
  const fail: Coerced = { ok: false, expected: EXPECTED[type] };
  switch (type) {
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : fail;
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === 'false') return { ok: true, value: value === 'true' };
      return fail;
    case 'array': {
      const list = typeof value === 'string' ? parseJson(value) : value;
      return Array.isArray(list) && list.every((v) => typeof v === 'string') ? { ok: true, value: [...list] } : fail;
    }
    case 'map': {
      const map = typeof value === 'string' ? parseJson(value) : value;
      const isMap = typeof map === 'object' && map !== null && !Array.isArray(map)
        && Object.values(map).every((v) => typeof v === 'string');
      return isMap ? { ok: true, value: { ...(map as object) } } : fail;
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
