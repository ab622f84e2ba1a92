"""Learned judgment: labelled banks in, small hashed artifacts out, pure numpy predict().

- ``banks``: the labelled banks (schema, loading, the data hash an artifact records);
- ``heads``: softmax heads over MiniLM features, temperature calibration, (de)serialisation;
- ``artifact``: the committed ``.npz`` + manifest, and the check that it matches its bank;
- ``train``: the one training command, ``python -m prodai_assistant.learning.train``.

Training uses the same embedder the product serves with (the ONNX path), so features never
disagree between training and serving. Serving needs numpy only.
"""
