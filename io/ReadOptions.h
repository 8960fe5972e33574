#pragma once
// How readImage()/readLabelMap() treat what they find in a file. Defaults are the
// safe choice for a segmentation pipeline; each field says when to change it.

#include <cstdint>
#include <string>

namespace aunet::io {

struct ReadOptions {
  // 2D color images (PNG/JPEG/TIFF/BMP): false keeps R, G, B (and alpha) as channels
  // in that order; true converts to one gray channel (OpenCV's luma weights).
  bool colorToGray = false;

  // NaN/Inf voxels are rejected unless this is set (they poison statistics, resampling
  // and the network silently).
  bool allowNonFinite = false;

  // Refuse headers that claim more voxels than this (times channels) before anything
  // is allocated. 2^31 voxels is 8 GiB as float; a corrupt header claims far more.
  int64_t maxVoxels = int64_t{1} << 31;
  // Refuse files whose voxel buffers (as stored, plus float) would need more bytes than
  // this, before allocating; 0: only the memory the machine has available limits them.
  // `aunet segment --max-memory` sets it.
  uint64_t memoryLimitBytes = 0;

  // DICOM: which series of a folder to read. Empty picks the series with the most
  // slices. Accepts a SeriesInstanceUID or a series id listed by scanDicomSeries().
  std::string dicomSeriesUid;
  // DICOM: look into subfolders as well.
  bool dicomRecursive = false;
  // DICOM: a series whose slice positions are not evenly spaced (a missing slice,
  // a variable-pitch scan) cannot be described by one spacing; it is an error
  // unless this is set, in which case it is read with the mean spacing and a
  // warning in VolumeMetadata::warnings.
  bool allowUnevenSlices = false;

  // Files of several volumes (a 4D NIfTI's 4th axis; the channels of any other file):
  // -1 reads them all as channels, K >= 0 only volume K (counted from 0), which for a
  // NIfTI file is the only one decoded. `aunet convert --volume K` sets it.
  int volumeIndex = -1;
};

}  // namespace aunet::io
