/** Reading a Lambda's configuration from its environment (the names: ./contract.ts). */
export type Env = Readonly<Record<string, string | undefined>>;

export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function parseJsonEnv(env: Env, name: string): unknown {
  const raw = requireEnv(env, name);
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error(`environment variable ${name} is not valid JSON`);
  }
}
