import "server-only";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";

/**
 * Why a client update (Yjs v1 encoding) lists its structs in a way that Yjs applies differently
 * from how it decodes, or null when it does not.
 *
 * An update holds a block of structs per client id. `Y.decodeUpdate`, which every check at the
 * door reads, returns the structs of every block; `Y.applyUpdate` keeps only the last block of a
 * client id that appears twice. A crafted update could so show the checks a struct that is never
 * applied: an item a check relies on (the suggestion guard counts an update's own closing items)
 * would be judged but never integrated, while the update's deletions are. Yjs's own encoders
 * write each client id once; an update that repeats one is refused as malformed.
 *
 * The blocks' headers are read from the bytes; a block's structs are stepped over by the length
 * of each struct `decoded` holds (in stream order), written again the way Yjs writes it. A block
 * whose header does not name the id of its first struct, or bytes that end early, mean the
 * walk lost its place: refused too, since it cannot be told what Yjs would apply.
 */
export function repeatedClientBlock(update: Uint8Array, decoded: ReturnType<typeof Y.decodeUpdate>): string | null {
  const decoder = decoding.createDecoder(update);
  const structs = decoded.structs;
  let next = 0;
  const seen = new Set<number>();
  try {
    const blocks = decoding.readVarUint(decoder);
    for (let block = 0; block < blocks; block++) {
      const count = decoding.readVarUint(decoder);
      const client = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      if (seen.has(client)) return `lists client ${client} in more than one block`;
      seen.add(client);
      if (count === 0) continue;
      const first = structs[next];
      if (!first || first.id.client !== client || first.id.clock !== clock) return "struct blocks out of step with their structs";
      for (let i = 0; i < count; i++, next++) {
        const struct = structs[next];
        if (!struct || struct.id.client !== client) return "struct blocks out of step with their structs";
        decoding.readUint8Array(decoder, encodedLength(struct));
      }
    }
  } catch {
    return "struct blocks end early";
  }
  return next === structs.length ? null : "struct blocks out of step with their structs";
}

/** How many bytes Yjs's v1 encoder writes for this struct (its whole length, from offset 0). */
function encodedLength(struct: ReturnType<typeof Y.decodeUpdate>["structs"][number]): number {
  const encoder = new Y.UpdateEncoderV1();
  struct.write(encoder, 0);
  return encoder.toUint8Array().length;
}
