import { fanoutScenario } from "./fanout";
import type { Scenario } from "./scenario";

/** Every scenario, in the order `npm run bench` runs them (the numbering). */
export const SCENARIOS: Scenario[] = [fanoutScenario];
