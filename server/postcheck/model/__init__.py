"""The learned layer: a model per category that works beside the rules, trained on labelled posts and
shipped as data in `policy_rules/model/`.

features.py (what the model reads), scorer.py (scoring and the words that drove a score, numpy only),
artefact.py (the files), cards.py and layer.py (what a learned warning says; loading), corpus.py
(labelled posts), train.py (fitting, scikit-learn) and retrain.py (`postcheck model train`).
No Flask here.
"""
