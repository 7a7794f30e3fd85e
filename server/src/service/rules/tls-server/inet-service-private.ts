import { defineRule } from "../rule";
import { onField } from "./shared";

export default defineRule({
  meta: {
    id: "inet-service-private",
    severity: "error",
    description: "An inet service marked private (y or -); master(8) refuses to start.",
    fixable: true,
    files: ["master"],
  },
  docs: {
    why: "The third master.cf field says whether a service is private, reachable only by Postfix's own programs through its private directory. A network listener cannot be limited that way, so master(8) stops with a fatal error when an inet service is private, and Postfix does not start. The default (`-`) is private, so an inet entry must say `n` explicitly.",
    fires: [
      {
        note: "The default is private; the fix writes n.",
        master: "smtp inet - - y - - smtpd\ntlsmgr unix - - y 1000? 1 tlsmgr\n",
        fixed: { master: "smtp inet n - y - - smtpd\ntlsmgr unix - - y 1000? 1 tlsmgr\n" },
      },
      { master: "smtp inet y - y - - smtpd\n" },
    ],
    silent: [{ master: "smtp inet n - y - - smtpd\nrelay unix - - y - - smtp\n" }],
    fix: "Changes the private field to `n`, the only value master(8) accepts for an inet service. Postfix then starts and the service listens on its address; if it must not be reachable from the network, bind it to a loopback address (127.0.0.1:port) or remove the entry instead.",
  },
  *check(context) {
    for (const service of context.services) {
      if (service.type !== "inet") continue;
      const privateField = service.entry.words[2];
      if (privateField.text !== "y" && privateField.text !== "-") continue;
      yield onField(
        privateField,
        `An inet service cannot be private: master(8) stops with "inet service cannot be private" and Postfix does not start. Its private field must be n${privateField.text === "-" ? ' ("-" means the default, y)' : ""}. A network service cannot be limited to Postfix's own programs.`,
        {
          title: "Change to n",
          edits: [{ start: privateField.start, end: privateField.end, newText: "n" }],
        },
      );
    }
  },
});
