// Progress of long commands: one line rewritten in place on a terminal, plain lines in CI logs.

export interface Progress {
  /** A stack (or other unit of work) began. */
  start(name: string): void;
  /** It ended; `detail` goes on the line that stays. */
  done(name: string, ok: boolean, detail: string): void;
  /** Clears the live line. */
  finish(): void;
}

export function progress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const began = Date.now();
  const running = new Set<string>();
  let finished = 0;
  const elapsed = () => `${((Date.now() - began) / 1000).toFixed(1)} s`;
  const live = stream.isTTY === true;
  const status = () => `  ${finished} of ${total} done, ${elapsed()}${running.size ? ` · planning ${[...running].join(", ")}` : ""}`;
  const redraw = () => live && stream.write(`\r\x1b[2K${status().slice(0, Math.max(20, (stream.columns ?? 80) - 1))}`);
  const timer = live ? setInterval(redraw, 250) : undefined;
  timer?.unref();
  return {
    start(name) {
      running.add(name);
      if (!live) stream.write(`started ${name}\n`);
      redraw();
    },
    done(name, ok, detail) {
      running.delete(name);
      finished += 1;
      const line = `${ok ? "ok    " : "FAILED"} ${name} (${finished} of ${total}, ${detail})`;
      stream.write(live ? `\r\x1b[2K${line}\n` : `${line}\n`);
      redraw();
    },
    finish() {
      if (timer) clearInterval(timer);
      if (live) stream.write(`\r\x1b[2K`);
    },
  };
}
