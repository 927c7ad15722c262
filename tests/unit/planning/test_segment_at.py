"""segment_at: the Couinaud segment under a point picked on a surface (between voxels, maybe just outside the map)."""

from __future__ import annotations

import numpy as np

from cned_viewer.planning.region import segment_at


def test_the_voxel_itself_then_the_commonest_neighbour_then_none() -> None:
    segments = np.zeros((8, 8, 8), np.uint8)
    segments[1:4, 1:4, 1:3] = 3
    segments[1:4, 1:4, 3] = 6
    assert segment_at(segments, (2.2, 1.9, 1.4)) == 3  # rounds to (2, 2, 1)
    assert segment_at(segments, (2.0, 2.0, 3.0)) == 6
    assert segment_at(segments, (2.0, 2.0, 4.0)) == 6  # just outside the map: its neighbours in a segment are 6
    assert segment_at(segments, (0.0, 0.0, 0.0)) == 3  # one neighbour (1, 1, 1) is in segment 3
    assert segment_at(segments, (6.6, 5.5, 7.0)) is None  # no neighbour in a segment
    assert segment_at(segments, (9.0, 9.0, 9.0)) is None  # off the grid
    segments[2, 2, 2] = 200  # not a Couinaud number: ignored
    assert segment_at(segments, (2, 2, 2)) == 3
