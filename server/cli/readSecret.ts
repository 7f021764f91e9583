import "server-only";
/**
 * Reads a password for a command-line tool: typed at a terminal without echo, or the first
 * line of standard input when it is a pipe (`printf '%s\n' "$PW" | npm run admin:create -- name`).
 */
export async function readSecret(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    let all = "";
    for await (const chunk of input) all += String(chunk);
    return all.split(/\r?\n/)[0] ?? "";
  }
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let typed = "";
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") return finish(() => resolve(typed));
        if (char === "\u0003") return finish(() => reject(new Error("cancelled")));
        if (char === "\u007f" || char === "\b") typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    const finish = (settle: () => void) => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write("\n");
      settle();
    };
    input.on("data", onData);
  });
}
