/**
 * Headless Chromium for browser tests: Debian's `chromium` package driven by playwright-core.
 * Flags keep it off the network (no update checks, sync or first-run calls on a machine without internet).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.LITESHIP_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: browser tests need it. Run \`bash scripts/setup.sh\` (it installs Debian's chromium package), ` +
        'or `apt-get update && apt-get install -y --no-install-recommends chromium`, or point LITESHIP_CHROMIUM at a Chromium binary.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}
