import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { TOOLS } from "./support";

/**
 * playwright-core lives in .cache/e2e (installed by scripts/e2e/setup.sh), not in the
 * project's node_modules, so that `npm test` and the typecheck need none of it. This is
 * the small part of its API the tests use, typed here, loaded at run time.
 */

export interface Locator {
  first(): Locator;
  last(): Locator;
  nth(index: number): Locator;
  filter(options: { hasText?: string | RegExp }): Locator;
  locator(selector: string): Locator;
  waitFor(options?: {
    state?: "attached" | "detached" | "visible" | "hidden";
    timeout?: number;
  }): Promise<void>;
  count(): Promise<number>;
  isVisible(): Promise<boolean>;
  textContent(): Promise<string | null>;
  innerText(): Promise<string>;
  allInnerTexts(): Promise<string[]>;
  getAttribute(name: string): Promise<string | null>;
  boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null>;
  click(options?: { timeout?: number }): Promise<void>;
  dblclick(options?: { timeout?: number }): Promise<void>;
  hover(options?: { timeout?: number; force?: boolean }): Promise<void>;
}

export interface Page {
  goto(
    url: string,
    options?: { waitUntil?: "load" | "domcontentloaded"; timeout?: number },
  ): Promise<unknown>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  locator(selector: string): Locator;
  evaluate<T>(expression: string): Promise<T>;
  setDefaultTimeout(ms: number): void;
  waitForTimeout(ms: number): Promise<void>;
  on(event: "console", listener: (message: { type(): string; text(): string }) => void): void;
  on(event: "pageerror", listener: (error: Error) => void): void;
  keyboard: {
    press(key: string, options?: { delay?: number }): Promise<void>;
    type(text: string, options?: { delay?: number }): Promise<void>;
    insertText(text: string): Promise<void>;
  };
  mouse: {
    move(x: number, y: number, options?: { steps?: number }): Promise<void>;
    click(x: number, y: number): Promise<void>;
    wheel(deltaX: number, deltaY: number): Promise<void>;
  };
}

export interface BrowserContext {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface Browser {
  newContext(options?: {
    viewport?: { width: number; height: number };
    deviceScaleFactor?: number;
  }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export interface BrowserServer {
  wsEndpoint(): string;
  process(): { pid?: number };
  close(): Promise<void>;
}

export interface BrowserType {
  launchServer(options: {
    executablePath: string;
    args?: string[];
    headless?: boolean;
    env?: NodeJS.ProcessEnv;
    handleSIGINT?: boolean;
    handleSIGTERM?: boolean;
    handleSIGHUP?: boolean;
  }): Promise<BrowserServer>;
  connect(wsEndpoint: string, options?: { timeout?: number }): Promise<Browser>;
}

export function loadChromium(): BrowserType {
  const entry = join(TOOLS, "node_modules/playwright-core/package.json");
  if (!existsSync(entry)) {
    throw new Error(`playwright-core is not installed in ${TOOLS}: run bash scripts/e2e/setup.sh`);
  }
  const load = createRequire(entry);
  return (load("playwright-core") as { chromium: BrowserType }).chromium;
}
