"""Reading back the DOT text `autograd.viz.to_dot` writes, so tests assert on
nodes, labels, edges and clusters rather than on raw strings."""
import re

_ATTR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
_NODE = re.compile(r'^\t(\w+) \[(.*)\]$')
_EDGE = re.compile(r'^\t(\w+) -> (\w+)(?: \[.*\])?$')


def unescape(text):
    out, k = [], 0
    while k < len(text):
        c = text[k]
        if c == "\\" and k + 1 < len(text):
            nxt = text[k + 1]
            out.append("\n" if nxt == "n" else nxt)
            k += 2
        else:
            out.append(c)
            k += 1
    return "".join(out)


def attrs(text):
    return {k: unescape(v) for k, v in _ATTR.findall(text)}


class Dot:
    """Nodes (id -> attrs, label split into lines as ``lines``), edges, and
    for each node the stack of cluster labels around it."""

    def __init__(self, text):
        self.text = text
        self.nodes, self.edges, self.clusters_of, self.clusters = {}, [], {}, []
        stack = []
        pending = False
        for line in text.splitlines():
            if line.startswith("\tsubgraph cluster_"):
                stack.append(None)
                pending = True
                continue
            if line == "\t}":
                stack.pop()
                continue
            if pending and line.startswith("\tgraph ["):
                label = attrs(line).get("label")
                stack[-1] = label
                self.clusters.append((label, len(stack)))
                pending = False
                continue
            m = _EDGE.match(line)
            if m:
                self.edges.append((m.group(1), m.group(2)))
                continue
            m = _NODE.match(line)
            if m and m.group(1) not in ("graph", "node", "edge"):
                a = attrs(m.group(2))
                a["lines"] = a.get("label", "").split("\n")
                self.nodes[m.group(1)] = a
                self.clusters_of[m.group(1)] = tuple(stack)

    def find(self, first_line):
        """The ids of nodes whose label has a line equal to ``first_line``."""
        return [n for n, a in self.nodes.items() if first_line in a["lines"]]

    def one(self, line):
        found = self.find(line)
        assert len(found) == 1, (line, found)
        return found[0]

    def label(self, node):
        return self.nodes[node]["lines"]

    def op_nodes(self, op):
        """Nodes whose label has a line starting with ``op`` and two spaces."""
        return [n for n, a in self.nodes.items()
                if any(x.startswith(op + "  ") for x in a["lines"])]
