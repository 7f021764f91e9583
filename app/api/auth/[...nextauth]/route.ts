import { handlers } from "../../../../server/auth/authConfig";

export const { GET, POST } = handlers;
