/**
 * A unified diff of two texts (`diff -u` format, 3 lines of context), for
 * `postfix-lint --fix-dry-run`. Lines are compared with Myers' O(ND) algorithm, so
 * a few fixes in a long file cost little.
 */

type Operation = { kind: "same" | "removed" | "added"; line: string };

export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return "";
  const operations = lineDiff(splitLines(before), splitLines(after));
  const hunks = hunksOf(operations, context);
  const header = `--- ${path}\n+++ ${path}\n`;
  return header + hunks.join("");
}

/** Lines with their endings kept, so that a changed line end shows as a change. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function lineDiff(a: string[], b: string[]): Operation[] {
  const max = a.length + b.length;
  const offset = max + 1;
  let frontier = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(frontier.slice());
    const next = frontier;
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && frontier[offset + k - 1] < frontier[offset + k + 1]);
      let x = down ? frontier[offset + k + 1] : frontier[offset + k - 1] + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= a.length && y >= b.length) {
        found = true;
        break;
      }
    }
    frontier = next;
  }
  // Walk back through the saved frontiers to recover the edit script.
  const operations: Operation[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const saved = trace[d];
    const k = x - y;
    const down = k === -d || (k !== d && saved[offset + k - 1] < saved[offset + k + 1]);
    const previousK = down ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : saved[offset + previousK];
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      operations.push({ kind: "same", line: a[--x] });
      y--;
    }
    if (d === 0) break;
    if (down) operations.push({ kind: "added", line: b[--y] });
    else operations.push({ kind: "removed", line: a[--x] });
  }
  while (x > 0 && y > 0) {
    operations.push({ kind: "same", line: a[--x] });
    y--;
  }
  return operations.reverse();
}

function hunksOf(operations: Operation[], context: number): string[] {
  const hunks: string[] = [];
  let index = 0;
  let oldLine = 1;
  let newLine = 1;
  while (index < operations.length) {
    // Skip to the next change, counting lines.
    while (index < operations.length && operations[index].kind === "same") {
      index++;
      oldLine++;
      newLine++;
    }
    if (index >= operations.length) break;
    const lead = Math.min(context, index, oldLine - 1);
    let start = index - lead;
    const oldStart = oldLine - lead;
    const newStart = newLine - lead;
    // Extend while changes are closer than twice the context.
    let end = index;
    let sameRun = 0;
    while (end < operations.length && sameRun <= 2 * context) {
      sameRun = operations[end].kind === "same" ? sameRun + 1 : 0;
      end++;
    }
    end -= Math.max(0, sameRun - context);
    const lines: string[] = [];
    let oldCount = 0;
    let newCount = 0;
    for (; start < end; start++) {
      const { kind, line } = operations[start];
      const body = line.endsWith("\n") ? line : `${line}\n\\ No newline at end of file\n`;
      if (kind !== "added") oldCount++;
      if (kind !== "removed") newCount++;
      lines.push((kind === "same" ? " " : kind === "removed" ? "-" : "+") + body);
    }
    hunks.push(
      `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n${lines.join("")}`,
    );
    oldLine = oldStart + oldCount;
    newLine = newStart + newCount;
    index = end;
  }
  return hunks;
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;
}
