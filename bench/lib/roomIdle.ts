import { loadEnv } from "../../server/env";

/**
 * Room idle time of our server in the smoke pass, in ms. The smoke pass only proves the
 * scenarios run; its waits for rooms to unload (cold open, many stories) are most of its time
 * at the default, so its servers unload sooner. Measuring runs keep the default.
 */
export const SMOKE_ROOM_IDLE_MS = 300;

/** Whether this process runs the smoke pass (`bench/run.ts --smoke` sets BENCH_SMOKE=1). */
export const isSmokePass = (): boolean => process.env.BENCH_SMOKE === "1";

/**
 * The room idle time our benchmark servers run with (`COLLAB_ROOM_IDLE_MS`): the default in a
 * measuring run, SMOKE_ROOM_IDLE_MS in the smoke pass. Scenarios that wait for an unload read it.
 */
export function benchRoomIdleMs(): number {
  return isSmokePass() ? SMOKE_ROOM_IDLE_MS : loadEnv({} as NodeJS.ProcessEnv).COLLAB_ROOM_IDLE_MS;
}
