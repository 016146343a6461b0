// A variable the test run must have (DATABASE_URL from the global setup, REDIS_URL after a suite's own skip check).
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set for this test`);
  return value;
}
