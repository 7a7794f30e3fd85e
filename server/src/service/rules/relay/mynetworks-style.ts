import { defaultValue } from "../../data/parameters";
import { defineRule } from "../rule";
import { evaluate, valueSpan } from "../startup/shared";

export default defineRule({
  meta: {
    id: "mynetworks-style",
    severity: "info",
    description:
      "mynetworks_style = subnet or class trusts more than this host, where the release's default (host) trusts only this host.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Without mynetworks, Postfix builds it from mynetworks_style. `host` trusts only this machine's own addresses; `subnet` trusts every host on this machine's subnets, and `class` every host in their whole class A, B or C networks, which may include machines of other people (a hosting provider's /24 or larger). Since Postfix 3.0 with compatibility_level 2 or later, the default is `host`.",
    fires: [{ main: "compatibility_level = 3.6\nmynetworks_style = subnet\n" }],
    silent: [
      { main: "compatibility_level = 3.6\nmynetworks_style = host\n" },
      {
        note: "mynetworks is set, so the style does not matter.",
        main: "compatibility_level = 3.6\nmynetworks_style = class\nmynetworks = 127.0.0.0/8\n",
      },
      { note: "The default is subnet here.", version: "2.11", main: "mynetworks_style = subnet\n" },
    ],
  },
  *check(context) {
    for (const placed of context.settingsNamed(["mynetworks_style"])) {
      const style = evaluate(context, placed.setting.value.text, placed.service).value.trim();
      if (style !== "subnet" && style !== "class") continue;
      if (context.isSet("mynetworks", placed.service)) continue;
      const fallback = defaultValue("mynetworks_style", context.version);
      if (!fallback || evaluate(context, fallback, placed.service).value.trim() !== "host")
        continue;
      yield {
        file: placed.file,
        ...valueSpan(placed.setting),
        message: `mynetworks_style = ${style} trusts ${style === "subnet" ? "every host on this machine's subnets" : "every host in the class A, B or C networks of this machine's addresses"}, where this release's default, host, trusts only this machine. Those hosts pass permit_mynetworks and may relay without logging in. Remove the setting, or set mynetworks to the networks you mean.`,
      };
    }
  },
});
