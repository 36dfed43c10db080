#!/usr/bin/env python3
"""Generates a large, valid protocol for measuring the compiler: N rules over 10 phases,
N/2 facts in dependency chains, N/10 parameters and transitions. Deterministic.

    tools/gen-protocol.py 1000 > /tmp/p1000.yaml
    time build/regimen check /tmp/p1000.yaml
"""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
phases = [f"phase_{i}" for i in range(10)]
out = []
w = out.append
w("regimen: 1")
w("protocol: {id: generated, version: 1.0.0, title: Generated protocol}")
w("sources:")
w("  seed: {title: Generated source, certainty: unchecked}")
w("instruments:")
w("  phq9: {label: PHQ-9, range: [0, 27], items: 9, item_range: [0, 3]}")
w("  gad7: {label: GAD-7, range: [0, 21], items: 7, item_range: [0, 3]}")
w("parameters:")
for i in range(max(1, n // 10)):
    w(f"  p{i}.threshold: {{type: int, default: {i % 20 + 1}, range: [0, 100], description: threshold {i}}}")
    w(f"  p{i}.gap: {{type: days, default: {i % 10 + 2}, range: [1, 60]}}")
w("state:")
w("  count: {type: int, initial: '0'}")
w("  first: {type: session}")
w("facts:")
w("  score: latest(phq9).score")
w("  anxiety: latest(gad7).score")
for i in range(max(1, n // 2)):
    dep = "score" if i % 25 == 0 else f"f{i - 1}"
    w(f"  f{i}: \"if known({dep}) then {dep} + {i % 7} else unknown\"")
w("phases:")
for i, p in enumerate(phases):
    extra = ", start: true" if i == 0 else (", terminal: true" if i == len(phases) - 1 else "")
    w(f"  {p}: {{description: phase {i}{extra}}}")
w("transitions:")
for i in range(len(phases) - 1):
    w(f"  - {{id: t{i}, from: {phases[i]}, on: session, when: 'count >= {i}', to: {phases[i + 1]}, set: {{count: count + 1}}}}")
for i in range(max(0, n // 10 - len(phases))):
    w(f"  - {{id: u{i}, from: {phases[i % 9]}, on: 'assessment:phq9', set: {{count: count + 1}}}}")
w("rules:")
for i in range(n):
    p = phases[i % len(phases)]
    k = i % max(1, n // 10)
    fact = f"f{i % max(1, n // 2)}"
    w(f"  - id: rule.{i}")
    w(f"    phase: {p}")
    if i % 3 == 0:
        w(f"    when: {fact} >= params.p{k}.threshold and count > {i % 5}")
        w("    action: schedule_session")
        w(f"    window: {{earliest: today + params.p{k}.gap, latest: today + params.p{k}.gap + 3d}}")
        w(f"    summary: \"Session due from {{today + params.p{k}.gap}} ({fact} = {{{fact}}}).\"")
    elif i % 3 == 1:
        w(f"    when: not known(score) or days_since(latest(phq9)) > params.p{k}.gap")
        w("    action: collect_assessment")
        w("    instruments: [phq9]")
        w("    summary: \"A PHQ-9 is due.\"")
    else:
        w(f"    when: \"anxiety >= 10 and {fact} > params.p{k}.threshold\"")
        w("    action: review")
        w(f"    flags: [flag_{i % 17}]")
        w(f"    summary: \"Review: {fact} is {{{fact}}}.\"")
    w("    cites: [seed]")
print("\n".join(out))
