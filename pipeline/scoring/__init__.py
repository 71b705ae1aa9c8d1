"""Scoring: accepted rows in, scores, classifications, ranks and proposals out.

`score` scores one quarter (criteria totals, gates, ranking, quarterly proposals); `review`
builds the annual evaluation, the mid-term and final reviews and the register of exemplars
from the quarters' intake and scores. Pure over frames: no files read or written here.
"""
