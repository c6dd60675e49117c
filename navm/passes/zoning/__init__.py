"""Helpers of the zoned passes (zoned-place, move-route): homes in storage, gate sites, AOD groups."""
