import type { Rule } from "../rule";
import mynetworksInternet from "./mynetworks-internet";
import mynetworksInvalid from "./mynetworks-invalid";
import mynetworksPublicWide from "./mynetworks-public-wide";
import mynetworksStyle from "./mynetworks-style";
import mynetworksWide from "./mynetworks-wide";
import noRelayControl from "./no-relay-control";
import openRelay from "./open-relay";
import postscreenDnsblSiteInvalid from "./postscreen-dnsbl-site-invalid";
import relayDependsOnTable from "./relay-depends-on-table";
import restrictionClassUnused from "./restriction-class-unused";
import restrictionDeprecated from "./restriction-deprecated";
import restrictionUnreachable from "./restriction-unreachable";
import restrictionWrongStage from "./restriction-wrong-stage";
import unknownRestriction from "./unknown-restriction";

/** The relay family: restriction lists, open relays, mynetworks. */
export const relayRules: readonly Rule[] = [
  noRelayControl,
  openRelay,
  relayDependsOnTable,
  mynetworksInternet,
  mynetworksPublicWide,
  mynetworksWide,
  mynetworksInvalid,
  mynetworksStyle,
  unknownRestriction,
  restrictionWrongStage,
  restrictionUnreachable,
  restrictionDeprecated,
  restrictionClassUnused,
  postscreenDnsblSiteInvalid,
];
