#pragma once
// A small picture of a DICOM series for the series picker: its middle file read alone
// (one slice, so it is fast even for a long series), drawn through the DICOM header's
// window (else the CT soft-tissue or percentile window, as a study opens) with the
// physical aspect ratio. Thread-safe: the picker renders thumbnails on a worker.

#include <QImage>

#include "io/DicomSeriesInfo.h"

namespace aunet::gui {

class SeriesThumbnail {
 public:
  // A `size` x `size` (at most) image; throws core::Error when the file cannot be read.
  static QImage render(const io::DicomSeriesInfo& series, int size = 64);
};

}  // namespace aunet::gui
