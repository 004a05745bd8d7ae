import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  await globalThis.causewayTestServer?.stop();
  if (process.env.CAUSEWAY_TEST_DATA_DIR) await rm(process.env.CAUSEWAY_TEST_DATA_DIR, { recursive: true, force: true });
}
