import { defineRule } from "../rule";

/** Reported by the file reader (server and CLI), not by a check. */
export default defineRule({
  meta: {
    id: "sibling-not-read",
    severity: "info",
    description:
      "The main.cf or master.cf beside this file was not read (FIFO, device, too large, link out); cross-file checks ran without it.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Many checks need main.cf and master.cf together: a service's `-o` settings change what it takes from main.cf, and a name such as relay_destination_concurrency_limit is only valid when master.cf has a service called relay. The file beside the one being checked is read only when it is a regular file under the size limit, and not through a symbolic link that leads out of the folder; a FIFO or a device could block the reader, a huge file could exhaust memory. When it is skipped, this file is checked alone, so some findings may be missing and some names may look unknown. Replace the special file with a regular one, or open the folder that holds the real files.",
    fires: [],
    silent: [],
  },
});
