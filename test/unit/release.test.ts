import { describe, expect, it } from "vitest";
import {
  describeRelease,
  parseDpkgStatus,
  parseMailVersion,
  releaseInUse,
} from "../../server/src/host/release";
import { NEWEST_VERSION } from "../../server/src/service/data/parameters";

/** A dpkg status file as Debian writes it: stanzas separated by empty lines. */
function dpkgStatus(...stanzas: string[]): string {
  return stanzas.join("\n\n") + "\n";
}

const LIBC = "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u7";
const postfix = (version: string, status = "install ok installed") =>
  `Package: postfix\nStatus: ${status}\nPriority: optional\nVersion: ${version}\nDepends: libc6`;

describe("parseMailVersion", () => {
  it("reads a release, a snapshot and trims the line break", () => {
    expect(parseMailVersion("3.7.11\n")).toBe("3.7.11");
    expect(parseMailVersion("3.10\n")).toBe("3.10");
    expect(parseMailVersion("3.10-20240101\n")).toBe("3.10");
    expect(parseMailVersion("03.007.011")).toBe("3.7.11");
  });

  it("rejects garbage, several lines and empty output", () => {
    for (const output of ["", "\n", "postfix", "3", "3.7.11\n3.8.1\n", "3.7.11 extra", "1234.5"])
      expect(parseMailVersion(output), JSON.stringify(output)).toBeUndefined();
  });
});

describe("parseDpkgStatus", () => {
  it("finds the installed postfix package among others and drops the Debian revision", () => {
    expect(parseDpkgStatus(dpkgStatus(LIBC, postfix("3.7.11-0+deb12u1"), LIBC))).toBe("3.7.11");
    expect(parseDpkgStatus(dpkgStatus(postfix("1:3.5.25-0+deb11u1")))).toBe("3.5.25");
    expect(parseDpkgStatus(dpkgStatus(postfix("3.8.6-1build2")))).toBe("3.8.6");
  });

  it("ignores a removed package, other packages named postfix-*, and a missing package", () => {
    expect(parseDpkgStatus(dpkgStatus(postfix("3.7.11-0", "deinstall ok config-files")))).toBe(
      undefined,
    );
    expect(
      parseDpkgStatus(
        dpkgStatus("Package: postfix-mysql\nStatus: install ok installed\nVersion: 3.7.11-0"),
      ),
    ).toBeUndefined();
    expect(parseDpkgStatus(dpkgStatus(LIBC))).toBeUndefined();
    expect(parseDpkgStatus("")).toBeUndefined();
  });

  it("takes the installed stanza when a removed one comes first", () => {
    const removed = postfix("3.5.1-1", "deinstall ok config-files");
    expect(parseDpkgStatus(dpkgStatus(removed, postfix("3.7.11-0+deb12u1")))).toBe("3.7.11");
  });

  it("rejects a version that is no release number", () => {
    expect(parseDpkgStatus(dpkgStatus(postfix("garbage")))).toBeUndefined();
  });
});

describe("releaseInUse", () => {
  it("maps a patch release to its covered line and keeps the patch level for messages", () => {
    const release = releaseInUse("3.7.11", "postconf");
    expect(release).toEqual({ line: "3.7", release: "3.7.11", origin: "postconf" });
    expect(describeRelease(release)).toBe("3.7.11, detected on this host");
    expect(releaseInUse("3.99.1", "dpkg").line).toBe(NEWEST_VERSION);
    expect(describeRelease(releaseInUse(NEWEST_VERSION, "newest"))).toBe(
      `${NEWEST_VERSION}, the newest known; none detected`,
    );
  });
});
