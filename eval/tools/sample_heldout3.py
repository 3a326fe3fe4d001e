#!/usr/bin/env python3
"""Draws the heldout-3 sample (ids only). Seeded, reproducible: `python3 eval/tools/sample_heldout3.py`.

Extends sample_heldout2.py with a stricter pool and a new seed (20261203).

Pool: articles of ../shared/corpora/*.jsonl (or $NEWSFLOW_CORPORA)
  * whose id is in no eval/labels/*.tsv file (heldout-3.tsv itself excluded, so the draw is reproducible);
  * whose normalised title, with or without a wire prefix ("UPDATE 1-", "RPT-", "EXCLUSIVE-", ...), is not the
    title of a labelled article;
  * whose body is not a near-duplicate of a labelled article's body (more than half of the shorter body's
    5-word shingles shared);
  * one article per normalised title; bodies under 300 characters are left out.

Draw, in the order of a seeded shuffle of the pool:
  * 35 random articles (base rate);
  * CBDC: every pool article with >= 2 hits of the CBDC regex below in title + body (the corpora have no unlabelled
    article with a CBDC term in its title, and none with >= 4 hits; this is everything that is left);
  * BLOCKCHAIN_PLATFORM: every pool article with >= 3 hits of the platform regex (title hits count 3);
  * CRYPTO_BAN and AI: 30 each from the keyword pre-filter (keyword in the title, or >= 3 hits in the body);
  * articles whose body is a near-duplicate of one already drawn are skipped.
Stage 2 (`--stage2`, added after reading stage 1 gave CBDC 5, CRYPTO_BAN 11, BLOCKCHAIN_PLATFORM 0 and AI 12
positives): 20 more per theme for CRYPTO_BAN and AI, each with a theme keyword in the title (BAN_TITLE / AI regex),
in shuffle order, from pool articles not drawn in stage 1.
The regexes are written for this script; they do not use the classifier and the draw never looks at its output.
"""
import glob, json, os, random, re, sys
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPORA = os.environ.get("NEWSFLOW_CORPORA", os.path.join(ROOT, "..", "shared", "corpora"))
SEED = 20261203
OWN = "heldout-3.tsv"

PREFIX = re.compile(r"^((update|rpt|exclusive|corrected|refile|wrapup|analysis|insight|factbox|breakingviews|column"
                    r"|explainer|timeline|instant view)\s*\d*\s*[-:]\s*)+", re.I)

def norm(t):
    return re.sub(r"[^a-z0-9]+", " ", t.lower()).strip()

def core(t):
    return norm(PREFIX.sub("", t))

def shingles(body):
    w = norm(body).split()
    return {" ".join(w[i:i + 5]) for i in range(max(1, len(w) - 4))}

CBDC = re.compile(r"\bCBDCs?\b|digital (euro|yuan|rupee|pound|ruble|rouble|renminbi|hryvnia|real|won|yen)|e-CNY|e-rupee"
                  r"|mBridge|central bank digital|\bDCEP\b|Britcoin|digital fiat|sovereign digital currenc|\bDrex\b"
                  r"|e-krona|e-naira|Sand Dollar", re.I)
PLATFORM = re.compile(
    r"tokeni[sz](ed|ation|ing) (deposit|fund|treasur|bond|money|real.world|asset|stock|securit|platform)|\bRWA\b"
    r"|real-world asset|enterprise|Hyperledger|Corda|\bR3\b|Canton|consortium|permissioned|Kinexys|Onyx|Partior|\bBSN\b"
    r"|AntChain|institutional (blockchain|chain|network)"
    r"|(bank|banks|government|ministry|registry|SWIFT|Visa|Mastercard|JPMorgan|HSBC|UBS|Citi|Sony|Deutsche)\b.{0,50}"
    r"\b(blockchain|chain|ledger|tokeni|layer.?2|L2)"
    r"|(blockchain|ledger|tokeni[sz]\w*|layer.?2|L2)\b.{0,50}\b(bank|banks|government|registry|ministry)\b"
    r"|launch(es|ed|ing)? (its |a |an )?(own )?(layer|blockchain|chain|L1|L2|network)", re.I)
BAN = re.compile(r"\bban(s|ned|ning)?\b|prohibit|crackdown|crack down|outlaw|barred|restrict|illegal", re.I)
AI = re.compile(r"\bAI\b|[Aa]rtificial [Ii]ntelligence|[Mm]achine learning|\bLLMs?\b|OpenAI|ChatGPT|Nvidia|Anthropic")

def labelled_ids():
    ids = set()
    for f in glob.glob(os.path.join(ROOT, "eval", "labels", "*.tsv")):
        if os.path.basename(f) == OWN:
            continue
        for line in open(f):
            if line.startswith("#") or line.startswith("id\t"):
                continue
            ids.add(line.split("\t")[0].strip())
    return ids

def pool(seed=SEED):
    labelled = labelled_ids()
    arts = []
    for f in sorted(glob.glob(os.path.join(CORPORA, "*.jsonl"))):
        for line in open(f):
            arts.append(json.loads(line))
    lab = [a for a in arts if a["id"] in labelled]
    lab_titles = {norm(a["title"]) for a in lab} | {core(a["title"]) for a in lab}
    index, lab_sh = defaultdict(set), {}
    for a in lab:
        lab_sh[a["id"]] = s = shingles(a["body"])
        for x in s:
            index[x].add(a["id"])
    seen, out = set(), []
    for a in arts:
        c = core(a["title"])
        if a["id"] in labelled or norm(a["title"]) in lab_titles or c in lab_titles or c in seen or len(a["body"]) < 300:
            continue
        s = shingles(a["body"])
        shared = Counter(i for x in s for i in index.get(x, ()))
        if any(n / min(len(s), len(lab_sh[i])) > 0.5 for i, n in shared.items()):
            continue
        seen.add(c)
        a["_sh"] = s
        out.append(a)
    random.Random(seed).shuffle(out)
    return out

def hits(rx, a, title_weight=1):
    return title_weight * len(rx.findall(a["title"])) + len(rx.findall(a["body"]))

def draw(seed=SEED, n_random=35, n_kw=30):
    p = pool(seed)
    chosen, shs = [], []

    def take(a, how):
        if any(a["id"] == i for i, _ in chosen):
            return False
        if any(len(a["_sh"] & s) / max(1, min(len(a["_sh"]), len(s))) > 0.5 for s in shs):
            return False
        chosen.append((a["id"], how)); shs.append(a["_sh"])
        return True

    for a in p[:n_random]:
        take(a, "random")
    rest = p[n_random:]
    for a in rest:
        if hits(CBDC, a) >= 2:
            take(a, "kw-CBDC")
    for a in rest:
        if hits(PLATFORM, a, 3) >= 3:
            take(a, "kw-BLOCKCHAIN_PLATFORM")
    for theme, rx in (("CRYPTO_BAN", BAN), ("AI", AI)):
        k = 0
        for a in rest:
            if k == n_kw:
                break
            if (rx.search(a["title"]) or len(rx.findall(a["body"])) >= 3) and take(a, "kw-" + theme):
                k += 1
    return chosen

BAN_TITLE = re.compile(r"\bban(s|ned|ning)?\b|prohibit|crackdown|crack(s|ing)? down|outlaw|restrict|block(s|ed)?\b|illegal|limit", re.I)

def stage2(seed=SEED, n=20):
    first = {i for i, _ in draw(seed)}
    out = []
    p = pool(seed)
    for theme, rx in (("CRYPTO_BAN", BAN_TITLE), ("AI", AI)):
        k = 0
        for a in p[35:]:
            if k == n:
                break
            if a["id"] in first or any(a["id"] == i for i, _ in out):
                continue
            if rx.search(a["title"]):
                out.append((a["id"], "title-" + theme)); k += 1
    return out

if __name__ == "__main__":
    rows = stage2() if len(sys.argv) > 1 and sys.argv[1] == "--stage2" else draw()
    for i, how in rows:
        print(i + "\t" + how)
