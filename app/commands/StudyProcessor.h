#pragma once
// The serve node's worker step: one study taken from the queue, each of its series
// checked (an image? the modality the model expects? readable?), segmented through
// runSegmentCommand (which writes and sends the DICOM outputs) and finished in the
// queue as done or failed. Returns the one log line for the study.

#include <string>

#include "app/commands/ServeCommand.h"
#include "pipeline/DicomSeriesQueue.h"

namespace aunet::app {

class StudyProcessor {
 public:
  // expectedModality: "CT" for a model with CT normalization, else empty (any).
  StudyProcessor(ServeOptions options, std::string expectedModality);

  std::string process(pipeline::DicomSeriesQueue& queue, const pipeline::DicomSeriesQueue::Study& study) const;

 private:
  struct Outcome {
    bool ok = false;
    std::string text;
  };
  Outcome processSeries(const pipeline::DicomSeriesQueue::Series& series) const;

  ServeOptions options_;
  std::string expectedModality_;
};

}  // namespace aunet::app
