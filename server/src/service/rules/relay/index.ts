import type { Rule } from "../rule";
import noRelayControl from "./no-relay-control";
import openRelay from "./open-relay";
import relayDependsOnTable from "./relay-depends-on-table";

/** The relay family: restriction lists, open relays, mynetworks. */
export const relayRules: readonly Rule[] = [noRelayControl, openRelay, relayDependsOnTable];
