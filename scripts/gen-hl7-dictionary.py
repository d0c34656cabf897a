#!/usr/bin/env python3
"""Generate src/hl7/dictionary_data.rs from the npm package hl7-dictionary 1.0.1.

Usage (from the repository root):

    python3 scripts/gen-hl7-dictionary.py [PACKAGE_DIR] [OUTPUT_FILE]
    python3 scripts/gen-hl7-dictionary.py --cross-check [N] [PACKAGE_DIR]

The second form writes nothing: it compares N (default 30) randomly chosen
(fixed seed) fields of the selection, after the corrections below, with the
definitions in the Python package hl7apy, and prints every mismatch, plus a
summary over all selected fields.

PACKAGE_DIR defaults to /tmp/hl7dict/package (the untarred output of
`npm pack hl7-dictionary@1.0.1`), OUTPUT_FILE to src/hl7/dictionary_data.rs.

The package ships plain JavaScript object literals (`var x = {...};
module.exports = x;`) that are valid JSON between the first `{` and the last
`}`, so no JavaScript runtime is needed. Output is deterministic.

Selected: HL7 v2.5.1 in full for the segments and data types listed below,
plus HL7 v2.3 and v2.4 entries only where they differ from v2.5.1, and a
handful of value tables (the package's tables are not versioned).
"""

import json
import os
import re
import shutil
import subprocess
import sys

SEGMENTS = (
    "MSH EVN PID PD1 PV1 PV2 NK1 MRG ORC OBR OBX NTE TQ1 IPC MSA ERR SCH AIS "
    "AIG AIL AIP RGS AL1 DG1 BHS BTS FHS FTS"
).split()

# Data types asked for explicitly; every composite type used by the selected
# segments (and, transitively, by these types) is added as well.
DATA_TYPES = (
    "XPN CX XAD XCN XTN TS DTM CE CWE CNE EI EIP PL HD MSG PT VID CQ TQ SAD FN "
    "DLD ID IS ST NM SI TX FT"
).split()

TABLES = [
    "0001", "0003", "0004", "0008", "0038", "0076", "0085", "0103", "0104",
    "0119", "0123", "0125", "0155", "0190", "0200", "0201", "0203", "0357",
    "0516",
]

BASE = "2.5.1"
OLDER = ["2.4", "2.3"]

# Known errors in the package, corrected from hl7apy's definitions (same
# field in the same version). Each entry: (version, segment, field, key, value).
CORRECTIONS = [
    # hl7-dictionary gives OBX-2 (Value Type) a repetition count of 125 (its
    # table number); hl7apy v2_5_1 has cardinality (0, 1): not repeatable.
    ("2.5.1", "OBX", 2, "rep", 1),
]


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return json.loads(text[text.index("{") : text.rindex("}") + 1])


def rs(s):
    """A Rust string literal."""
    out = ['"']
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def clean(s):
    return re.sub(r"\s+", " ", (s or "").strip())


def opt(code):
    # The package only distinguishes required (2) from optional (1).
    return {2: "R", 1: "O"}.get(code, "O")


def field_tuple(f):
    return (
        clean(f.get("desc")),
        f.get("datatype") or "",
        opt(f.get("opt")),
        int(f.get("rep") or 0),
        int(f.get("len") or 0),
        int(f.get("table") or 0),
    )


def fmt_field(t):
    name, dt, o, rep, ln, table = t
    return "f(%s, %s, %s, %d, %d, %d)" % (
        rs(name), rs(dt), rs(o), rep, ln, table,
    )


def comp_tuple(c):
    return (clean(c.get("desc")), c.get("datatype") or "", int(c.get("table") or 0))


def fmt_comp(t):
    name, dt, table = t
    return "c(%s, %s, %d)" % (rs(name), rs(dt), table)


def strip_event_prefix(text):
    """'ADT/ACK - Admit/visit notification' -> 'Admit/visit notification'."""
    m = re.match(r"^[A-Z0-9]{3}(?:/[A-Z0-9]{3})*(?:\s*-\s*|\s+)(?=\S)", text)
    return clean(text[m.end() :]) if m else clean(text)


def norm(name):
    """Compare names loosely: hl7apy spells them as SNAKE_CASE identifiers."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def cross_check(pkg, sample_size):
    import importlib
    import random

    lib = os.path.join(pkg, "lib")
    all_fields = []
    for v in [BASE] + OLDER:
        segs = load(os.path.join(lib, v, "segments.js"))
        for version, seg, n, key, value in CORRECTIONS:
            if version == v:
                segs[seg]["fields"][n - 1][key] = value
        for sid in SEGMENTS:
            for i, f in enumerate(segs.get(sid, {}).get("fields", [])):
                all_fields.append((v, sid, i + 1, field_tuple(f)))

    apy = {}

    def apy_field(v, sid, n):
        if v not in apy:
            mod = importlib.import_module("hl7apy.v%s.segments" % v.replace(".", "_"))
            apy[v] = mod.SEGMENTS
        seg = apy[v].get(sid)
        if seg is None:
            return None
        for name, d, card, _kind in seg[1]:
            if name == "%s_%d" % (sid, n):
                table = int(d[4][3:]) if d[4] and d[4].startswith("HL7") else 0
                return (d[3], d[2], "R" if card[0] >= 1 else "O", card[1], table)
        return None

    def compare(v, sid, n, mine):
        name, dt, o, rep, _len, table = mine
        theirs = apy_field(v, sid, n)
        if theirs is None:
            return ["not in hl7apy"]
        t_name, t_dt, t_opt, t_max, t_table = theirs
        problems = []
        if norm(name) != norm(t_name):
            problems.append("name %r vs %r" % (name, t_name))
        if dt.upper() != (t_dt or "").upper():
            problems.append("type %s vs %s" % (dt, t_dt))
        if o != t_opt:
            problems.append("optionality %s vs %s" % (o, t_opt))
        if (rep != 1) != (t_max != 1):
            problems.append("repeat %s vs max %s" % (rep, t_max))
        if table != t_table:
            problems.append("table %s vs %s" % (table, t_table))
        return problems

    rng = random.Random(20260101)
    sample = rng.sample(all_fields, min(sample_size, len(all_fields)))
    bad = 0
    print("sample of %d fields (seed 20260101):" % len(sample))
    for v, sid, n, mine in sorted(sample):
        problems = compare(v, sid, n, mine)
        bad += bool(problems)
        status = "; ".join(problems) if problems else "ok"
        print("  %-6s %s-%-3d %-45s %s" % (v, sid, n, mine[0][:45], status))
    print("sample: %d of %d fields differ" % (bad, len(sample)))
    kinds = {}
    total_bad = 0
    for v, sid, n, mine in all_fields:
        problems = compare(v, sid, n, mine)
        total_bad += bool(problems)
        for p in problems:
            kinds[p.split(" ")[0]] = kinds.get(p.split(" ")[0], 0) + 1
    print("all %d selected fields: %d differ; by aspect: %s"
          % (len(all_fields), total_bad, ", ".join("%s %d" % kv for kv in sorted(kinds.items()))))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--cross-check":
        rest = sys.argv[2:]
        n = int(rest.pop(0)) if rest and rest[0].isdigit() else 30
        cross_check(rest[0] if rest else "/tmp/hl7dict/package", n)
        return
    pkg = sys.argv[1] if len(sys.argv) > 1 else "/tmp/hl7dict/package"
    out = sys.argv[2] if len(sys.argv) > 2 else "src/hl7/dictionary_data.rs"
    meta = load(os.path.join(pkg, "package.json"))
    lib = os.path.join(pkg, "lib")
    segs = {v: load(os.path.join(lib, v, "segments.js")) for v in [BASE] + OLDER}
    types = {v: load(os.path.join(lib, v, "fields.js")) for v in [BASE] + OLDER}
    tables = load(os.path.join(lib, "tables.js"))

    for version, seg, n, key, value in CORRECTIONS:
        segs[version][seg]["fields"][n - 1][key] = value

    def seg_fields(v, sid):
        s = segs[v].get(sid)
        return None if s is None else [field_tuple(f) for f in s["fields"]]

    # --- data types: requested ones plus everything reachable -------------
    def reachable(v, roots):
        seen, todo = set(), list(roots)
        while todo:
            dt = todo.pop()
            if dt in seen or dt not in types[v]:
                continue
            seen.add(dt)
            for c in types[v][dt].get("subfields", []):
                todo.append(c.get("datatype") or "")
        return seen

    def roots(v):
        r = set(DATA_TYPES)
        for sid in SEGMENTS:
            for f in seg_fields(v, sid) or []:
                r.add(f[1])
        return r

    base_types = sorted(reachable(BASE, roots(BASE)))

    def type_comps(v, dt):
        d = types[v].get(dt)
        return None if d is None else [comp_tuple(c) for c in d.get("subfields", [])]

    lines = []
    w = lines.append
    w("// @generated by scripts/gen-hl7-dictionary.py from the npm package")
    w("// %s %s (%s licence). Do not edit by hand; see data/hl7/PROVENANCE.md."
      % (meta["name"], meta["version"], meta.get("license", "?")))
    w("//")
    w("// Optionality in the source is only R (required) or O (optional); `rep` is")
    w("// 1 for a non-repeating field, 0 for unbounded, otherwise the maximum;")
    w("// `len` and `table` are 0 when the source gives none.")
    w("")
    w("use super::dictionary::{c, f, RawDataType, RawSegment, RawSegmentDiff, RawTable};")
    w("")

    # Base segments.
    w("/// HL7 v2.5.1 segments, sorted by ID.")
    w("pub(super) static SEGMENTS_2_5_1: &[RawSegment] = &[")
    for sid in sorted(SEGMENTS):
        s = segs[BASE][sid]
        w("    RawSegment {")
        w("        id: %s," % rs(sid))
        w("        name: %s," % rs(clean(s["desc"])))
        w("        fields: &[")
        for f in seg_fields(BASE, sid):
            w("            %s," % fmt_field(f))
        w("        ],")
        w("    },")
    w("];")
    w("")

    # Older versions: per segment, name/field count and only changed fields.
    for v in OLDER:
        ident = v.replace(".", "_")
        w("/// HL7 v%s segments as differences from v2.5.1, sorted by ID. A segment" % v)
        w("/// missing here does not exist in v%s." % v)
        w("pub(super) static SEGMENTS_%s: &[RawSegmentDiff] = &[" % ident)
        for sid in sorted(SEGMENTS):
            if sid not in segs[v]:
                continue
            base = seg_fields(BASE, sid)
            mine = seg_fields(v, sid)
            changed = [
                (i + 1, f)
                for i, f in enumerate(mine)
                if i >= len(base) or f != base[i]
            ]
            name = clean(segs[v][sid]["desc"])
            w("    RawSegmentDiff {")
            w("        id: %s," % rs(sid))
            w("        name: %s," % rs(name))
            w("        field_count: %d," % len(mine))
            if changed:
                w("        changed: &[")
                for n, f in changed:
                    w("            (%d, %s)," % (n, fmt_field(f)))
                w("        ],")
            else:
                w("        changed: &[],")
            w("    },")
        w("];")
        w("")

    # Data types.
    def emit_types(static, doc, entries):
        w("/// %s" % doc)
        w("pub(super) static %s: &[RawDataType] = &[" % static)
        for dt, name, comps in entries:
            if comps:
                w("    RawDataType {")
                w("        id: %s," % rs(dt))
                w("        name: %s," % rs(name))
                w("        components: &[")
                for c in comps:
                    w("            %s," % fmt_comp(c))
                w("        ],")
                w("    },")
            else:
                w("    RawDataType { id: %s, name: %s, components: &[] }," % (rs(dt), rs(name)))
        w("];")
        w("")

    emit_types(
        "DATA_TYPES_2_5_1",
        "HL7 v2.5.1 data types, sorted by ID; primitive types have no components.",
        [(dt, clean(types[BASE][dt]["desc"]), type_comps(BASE, dt)) for dt in base_types],
    )
    for v in OLDER:
        ident = v.replace(".", "_")
        wanted = sorted(reachable(v, roots(v)))
        entries = []
        for dt in wanted:
            comps = type_comps(v, dt)
            name = clean(types[v][dt]["desc"])
            if dt in types[BASE] and dt in base_types:
                if comps == type_comps(BASE, dt):
                    continue
            entries.append((dt, name, comps))
        emit_types(
            "DATA_TYPES_%s" % ident,
            "HL7 v%s data types that are new or whose components differ from v2.5.1." % v,
            entries,
        )

    # Tables.
    w("/// Value tables (the source does not version them), sorted by number.")
    w("pub(super) static TABLES: &[RawTable] = &[")
    missing = []
    for num in TABLES:
        t = tables.get(str(int(num)))
        if t is None:
            missing.append(num)
            continue
        w("    RawTable {")
        w("        number: %s," % rs(num))
        w("        name: %s," % rs(clean(t["desc"])))
        w("        values: &[")
        for code in sorted(t["values"]):
            w("            (%s, %s)," % (rs(code), rs(clean(t["values"][code]))))
        w("        ],")
        w("    },")
    w("];")
    w("")
    if missing:
        sys.stderr.write("warning: tables not in the package: %s\n" % ", ".join(missing))

    # Trigger events: table 0003 without its leading message-type list.
    w("/// Trigger event names from table 0003, without the leading message types")
    w("/// (\"ADT/ACK - \"), sorted by code.")
    w("pub(super) static TRIGGER_EVENTS: &[(&str, &str)] = &[")
    for code in sorted(tables["3"]["values"]):
        w("    (%s, %s)," % (rs(code), rs(strip_event_prefix(tables["3"]["values"][code]))))
    w("];")

    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    # Format like the rest of the crate, so `cargo fmt --check` passes.
    rustfmt = shutil.which("rustfmt")
    if rustfmt:
        subprocess.run([rustfmt, "--edition", "2021", out], check=True)
    else:
        sys.stderr.write("warning: rustfmt not found; output left unformatted\n")
    print("wrote %s (%d bytes)" % (out, os.path.getsize(out)))


if __name__ == "__main__":
    main()
