# Copyright 2026 The motionhub developers. Licensed under the Apache License, Version 2.0.
"""The papers motionhub's model families and official checkpoints come from (title, venue, links, BibTeX).

One entry per paper, keyed by a short name: model cards cite them (:func:`motionhub.hub.generate_model_card`,
``papers=``), every family names its seed paper (:data:`motionhub.hub.FAMILIES`) and every official checkpoint names
the paper it was released with (:attr:`motionhub.official.OfficialCheckpoint.paper`). Plain data, no dependencies, so
the official-checkpoint registry reads it without importing transformers.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SEED_PAPERS", "SeedPaper"]


@dataclass(frozen=True)
class SeedPaper:
    """A paper a motionhub model family or official checkpoint comes from (cited by the cards of that family)."""

    key: str
    title: str
    venue: str
    url: str
    code_url: str
    bibtex: str

    @property
    def first_author(self) -> str:
        """Surname of the first author of the BibTeX entry (``"Zhu"``)."""
        line = next(x for x in self.bibtex.splitlines() if x.strip().startswith("author"))
        first = line.split("=", 1)[1].strip().strip("{},").split(" and ")[0].strip()
        return first.split(",")[0].strip() if "," in first else first.split()[-1]

    @property
    def citation(self) -> str:
        """One line: ``"<title> (<first author> et al., <venue>)"``."""
        return f"{self.title} ({self.first_author} et al., {self.venue})"


SEED_PAPERS: dict[str, SeedPaper] = {
    "motionbert": SeedPaper(
        key="motionbert",
        title="MotionBERT: A Unified Perspective on Learning Human Motion Representations",
        venue="ICCV 2023",
        url="https://arxiv.org/abs/2210.06551",
        code_url="https://github.com/Walter0807/MotionBERT",
        bibtex="""@inproceedings{motionbert2022,
  title     = {MotionBERT: A Unified Perspective on Learning Human Motion Representations},
  author    = {Zhu, Wentao and Ma, Xiaoxuan and Liu, Zhaoyang and Liu, Libin and Wu, Wayne and Wang, Yizhou},
  booktitle = {Proceedings of the IEEE/CVF International Conference on Computer Vision},
  year      = {2023},
}""",
    ),
    "pstmo": SeedPaper(
        key="pstmo",
        title="P-STMO: Pre-Trained Spatial Temporal Many-to-One Model for 3D Human Pose Estimation",
        venue="ECCV 2022",
        url="https://arxiv.org/abs/2203.07628",
        code_url="https://github.com/paTRICK-swk/P-STMO",
        bibtex="""@article{shan2022p,
  title   = {P-STMO: Pre-Trained Spatial Temporal Many-to-One Model for 3D Human Pose Estimation},
  author  = {Shan, Wenkang and Liu, Zhenhua and Zhang, Xinfeng and Wang, Shanshe and Ma, Siwei and Gao, Wen},
  journal = {arXiv preprint arXiv:2203.07628},
  year    = {2022},
}""",
    ),
    "mpm": SeedPaper(
        key="mpm",
        title="MPM: A Unified 2D-3D Human Pose Representation via Masked Pose Modeling",
        venue="arXiv 2023",
        url="https://arxiv.org/abs/2306.17201",
        code_url="https://github.com/vvirgooo2/MPM",
        bibtex="""@article{zhang2023mpm,
  title   = {MPM: A Unified 2D-3D Human Pose Representation via Masked Pose Modeling},
  author  = {Zhang, Zhenyu and Chai, Wenhao and Jiang, Zhongyu and Ye, Tian and Song, Mingli and Hwang, Jenq-Neng and Wang, Gaoang},
  journal = {arXiv preprint arXiv:2306.17201},
  year    = {2023},
}""",
    ),
    "stride": SeedPaper(
        key="stride",
        title="STRIDE: Single-video based Temporally Continuous Occlusion-Robust 3D Pose Estimation",
        venue="WACV 2025",
        url="https://arxiv.org/abs/2312.16221",
        code_url="https://github.com/take2rohit/STRIDE",
        bibtex="""@misc{lal2024stridesinglevideobasedtemporally,
  title         = {STRIDE: Single-video based Temporally Continuous Occlusion-Robust 3D Pose Estimation},
  author        = {Rohit Lal and Saketh Bachu and Yash Garg and Arindam Dutta and Calvin-Khang Ta and Dripta S. Raychaudhuri and Hannah Dela Cruz and M. Salman Asif and Amit K. Roy-Chowdhury},
  year          = {2024},
  eprint        = {2312.16221},
  archivePrefix = {arXiv},
  primaryClass  = {cs.CV},
  url           = {https://arxiv.org/abs/2312.16221},
}""",
    ),
}
