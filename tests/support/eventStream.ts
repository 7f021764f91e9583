/** A server-sent event stream opened with a session cookie, collecting the event names it receives. */
export interface EventStream {
  status: number;
  events: string[];
  /** True once the server ended the stream (or `close` was called). */
  ended: boolean;
  close(): void;
}

/** Opens `path` as an event stream (status first; events are collected until `close`). */
export async function openEventStream(baseUrl: string, cookie: string, path: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}${path}`, { headers: { cookie, accept: "text/event-stream" }, signal: controller.signal });
  const stream: EventStream = { status: response.status, events: [], ended: false, close: () => controller.abort() };
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    return stream;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffered = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        let end: number;
        while ((end = buffered.indexOf("\n\n")) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          if (name) stream.events.push(name);
        }
      }
    } catch {
      // aborted by close()
    }
    stream.ended = true;
  })();
  return stream;
}
