import { h } from "../dom";
import type { AppContext } from "../context";
import type { Page } from "./page";
export function voterPage(_ctx: AppContext): Page {
  return { el: h("div", { class: "page" }), refresh: async () => {} };
}
