import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { useBuiltNextConfig } from "../../server/build/builtNextConfig";

const KEY = "__NEXT_PRIVATE_STANDALONE_CONFIG";

describe("useBuiltNextConfig", () => {
  const before = process.env[KEY];
  let root = "";
  afterEach(() => {
    if (before === undefined) delete process.env[KEY];
    else process.env[KEY] = before;
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const checkout = (manifest: string | null) => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "built-config-"));
    if (manifest !== null) {
      fs.mkdirSync(path.join(root, ".next"));
      fs.writeFileSync(path.join(root, ".next", "required-server-files.json"), manifest);
    }
    return root;
  };

  it("hands Next the config the build finished with", () => {
    delete process.env[KEY];
    const config = { poweredByHeader: false, experimental: { preloadEntriesOnStart: false } };
    useBuiltNextConfig(checkout(JSON.stringify({ version: 1, config, files: [] })));
    expect(JSON.parse(process.env[KEY]!)).toEqual(config);
  });

  it("leaves Next to read next.config.ts when there is no build or it is unreadable", () => {
    delete process.env[KEY];
    useBuiltNextConfig(checkout(null));
    expect(process.env[KEY]).toBeUndefined();
    fs.rmSync(root, { recursive: true, force: true });
    useBuiltNextConfig(checkout("{ half a file"));
    expect(process.env[KEY]).toBeUndefined();
  });
});
