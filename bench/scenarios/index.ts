import { articleReadScenario } from "./articleRead";
import { browserScenario } from "./browser";
import { clusterScenario } from "./cluster";
import { coldOpenScenario } from "./coldOpen";
import { dbDriverScenario } from "./dbDriver";
import { durabilityScenario } from "./durability";
import { fanoutScenario } from "./fanout";
import { manyStoriesScenario } from "./manyStories";
import { saturationScenario } from "./saturation";
import type { Scenario } from "./scenario";

/** Every scenario, in the order `npm run bench` runs them (the issues' numbering: 5's, then 6's). */
export const SCENARIOS: Scenario[] = [fanoutScenario, saturationScenario, manyStoriesScenario, coldOpenScenario, durabilityScenario, browserScenario, clusterScenario, dbDriverScenario, articleReadScenario];
