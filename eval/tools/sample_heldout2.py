#!/usr/bin/env python3
"""Draws the heldout-2 sample (ids only). Seeded, reproducible.

Pool: articles of ../shared/corpora/*.jsonl whose id is in no eval/labels/*.tsv file and whose normalised title
is not the title of any labelled article (reposts of labelled articles stay out). One article per normalised title.
Stage 1: 60 random + 25 per theme from a broad keyword pre-filter (keyword in the title, or >= 3 keyword hits in
the body; >= 2 for BLOCKCHAIN_PLATFORM). Reading stage 1 gave only 2 CBDC and 0 BLOCKCHAIN_PLATFORM positives, so
stage 2 (`--stage2`) adds every remaining pool article with >= 3 hits of a stricter CBDC or BLOCKCHAIN_PLATFORM
regex (TITLE_KEYWORDS) in title + body. (No unlabelled article has a CBDC term in its title: all 29 are labelled.) The regexes are written for this script; they do not use the classifier.
"""
import glob, json, os, random, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPORA = os.environ.get("NEWSFLOW_CORPORA", os.path.join(ROOT, "..", "shared", "corpora"))

def norm(t):
    return re.sub(r"[^a-z0-9]+", " ", t.lower()).strip()

KEYWORDS = {
    "CBDC": r"\bCBDCs?\b|digital (euro|yuan|rupee|pound|ruble|rouble|currenc|dollar)|e-CNY|\bDCEP\b|e-rupee|mBridge|central bank digital",
    "CRYPTO_BAN": r"\bban(s|ned|ning)?\b|prohibit|crackdown|crack down|outlaw|illegal|restrict",
    "BLOCKCHAIN_PLATFORM": r"enterprise blockchain|blockchain (platform|network|service|infrastructure|solution)|Hyperledger|Corda|Canton|tokeni[sz]ation platform|tokeni[sz]ed deposit|consortium|permissioned|\bBSN\b|Kinexys|Onyx|AntChain|launch(es|ed)? (a |its )?(layer|blockchain|chain)",
    "AI": r"\bAI\b|artificial intelligence|machine learning|\bLLMs?\b|OpenAI|ChatGPT|Nvidia|AI agents?",
}

TITLE_KEYWORDS = {
    "CBDC": r"\bCBDCs?\b|digital (euro|yuan|rupee|pound|ruble|rouble)|e-CNY|e-rupee|mBridge|central bank digital|\bDCEP\b",
    "BLOCKCHAIN_PLATFORM": r"blockchain (platform|network|infrastructure|service|solution|pilot)|enterprise|Hyperledger|Corda|Canton|tokeni[sz](ed|ation) (deposit|platform|fund|bond|money)|Kinexys|Onyx|consortium|Partior|Project (Agora|Guardian|Ensemble)|\bBSN\b|AntChain|(bank|banks|government|ministry|registry|SWIFT|Visa|Mastercard)\b.{0,40}\b(blockchain|chain|ledger|tokeni)|(blockchain|ledger|tokeni[sz]).{0,40}\b(bank|banks|government|registry)\b",
    "CRYPTO_BAN": r"\bban(s|ned|ning)?\b|prohibit|crackdown|crack down|outlaw|restrict",
    "AI": r"\bAI\b|artificial intelligence|OpenAI|Nvidia|ChatGPT|\bLLM",
}

def stage2(seed=20261202):
    """Every remaining pool article with >= 3 CBDC_STRICT or >= 3 BP_STRICT regex hits (title + body)."""
    first = {i for i, _ in main(60, 25, seed)}
    out = []
    for theme in ("CBDC", "BLOCKCHAIN_PLATFORM"):
        r = re.compile(TITLE_KEYWORDS[theme], re.I)
        for a in _pool(seed):
            if a["id"] in first or a["id"] in {i for i, _ in out}:
                continue
            if len(r.findall(a["title"] + " " + a["body"])) >= 3:
                out.append((a["id"], "strict-" + theme))
    return out

def _pool(seed):
    labelled = set()
    for f in glob.glob(os.path.join(ROOT, "eval", "labels", "*.tsv")):
        if os.path.basename(f) in ("heldout-2.tsv", "heldout-3.tsv"):  # files drawn later stay out, so the draw is reproducible
            continue
        for line in open(f):
            if line.startswith("#") or line.startswith("id\t"):
                continue
            labelled.add(line.split("\t")[0].strip())
    arts = []
    for f in sorted(glob.glob(os.path.join(CORPORA, "*.jsonl"))):
        for line in open(f):
            arts.append(json.loads(line))
    lab_titles = {norm(a["title"]) for a in arts if a["id"] in labelled}
    seen, pool = set(), []
    for a in arts:
        t = norm(a["title"])
        if a["id"] in labelled or t in lab_titles or t in seen or len(a["body"]) < 300:
            continue
        seen.add(t)
        pool.append(a)
    random.Random(seed).shuffle(pool)
    return pool

def main(n_random=60, n_per_theme=25, seed=20261202):
    pool = _pool(seed)
    chosen, ids = [], set()
    for a in pool[:n_random]:
        chosen.append((a["id"], "random")); ids.add(a["id"])
    for theme, rx in KEYWORDS.items():
        r = re.compile(rx, re.I if theme != "AI" else 0)
        k = 0
        for a in pool[n_random:]:
            if a["id"] in ids:
                continue
            if r.search(a["title"]) or len(r.findall(a["body"])) >= (2 if theme == "BLOCKCHAIN_PLATFORM" else 3):
                chosen.append((a["id"], "kw-" + theme)); ids.add(a["id"]); k += 1
                if k == n_per_theme:
                    break
    return chosen

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--stage2":
        for i, how in stage2():
            print(i + "\t" + how)
        sys.exit(0)
    nr = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    nk = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    for i, how in main(nr, nk):
        print(i + "\t" + how)
