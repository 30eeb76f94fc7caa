/** Fake credentials and region for SDK clients created by the code under test (they read the environment). */
export function useFakeAwsEnv(extra: Record<string, string> = {}): () => void {
  const values: Record<string, string> = {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_SERVICE_NAME: 'destfn',
    POWERTOOLS_METRICS_NAMESPACE: 'destfn',
    ...extra,
  };
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
