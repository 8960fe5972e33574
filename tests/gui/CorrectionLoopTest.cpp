// The viewer's correction loop without a window: "Add to training dataset..." writes
// the open image and its mask through io::NnUNetDataset (a new dataset takes the open
// model's labels), refuses what the CLI refuses with nothing written, and fine-tuning
// says why it cannot start. The fine-tuning itself runs for real in
// tests/loop/CorrectionLoopEndToEndTest.cpp.

#include <gtest/gtest.h>

#include <QDir>
#include <QTemporaryDir>

#include <filesystem>

#include "core/Error.h"
#include "gui/CorrectionLoop.h"
#include "gui/ViewerController.h"
#include "io/ImageReader.h"
#include "io/NnUNetDataset.h"
#include "tests/gui/GuiTestSupport.h"

namespace aunet::gui {
namespace {

namespace fs = std::filesystem;

class CorrectionLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::application();
    ASSERT_TRUE(dir_.isValid());
    files_ = testing::writePhantom(dir_);
  }
  std::string errorOf(const QString& folder, const QString& caseName = {}) {
    try {
      loop_.addToDataset(folder, caseName);
    } catch (const core::Error& e) {
      return e.what();
    }
    return "";
  }
  QTemporaryDir dir_;
  testing::PhantomFiles files_;
  ViewerController controller_;
  CorrectionLoop loop_{controller_, nullptr};
};

TEST_F(CorrectionLoopTest, AddsTheOpenImageAndMaskToADatasetMadeForTheOpenModel) {
  const QString folder = dir_.filePath("corrections");
  EXPECT_NE(errorOf(folder).find("open an image"), std::string::npos);
  controller_.adoptImage(ViewerDocument::readImage(files_.image), files_.image);
  EXPECT_NE(errorOf(folder).find("segment or open a mask"), std::string::npos);
  controller_.replaceMask(files_.phantom.labels, files_.mask, "mask");
  // No dataset yet and no model to take its labels from.
  EXPECT_NE(errorOf(folder).find("open the model the dataset is for"), std::string::npos) << errorOf(folder);
  EXPECT_FALSE(fs::exists(folder.toStdString()));

  // The fake model's labels are background/organ: segmenting gives a 0/1 mask.
  controller_.setSegmenter(std::make_shared<testing::FakeSegmenter>(1, 1), dir_.filePath("fake.aunet"));
  QString whyNot;
  ASSERT_TRUE(controller_.startSegmentation({}, &whyNot)) << whyNot.toStdString();
  ASSERT_TRUE(testing::waitUntil([&] { return !controller_.segmentationJob().running(); }));
  ASSERT_TRUE(testing::waitUntil([&] { return controller_.document().labels() && controller_.tasks().pending() == 0; }));
  EXPECT_EQ(loop_.addToDataset(folder), "case_001");
  EXPECT_EQ(loop_.addToDataset(folder, "second"), "second");
  const io::NnUNetDataset d = io::NnUNetDataset::load(folder.toStdString());
  EXPECT_EQ(d.labels, (std::vector<std::pair<std::string, int>>{{"background", 0}, {"organ", 1}}));
  EXPECT_EQ(d.channelNames, (std::vector<std::string>{"channel0"}));
  EXPECT_EQ(d.sourceModel, fs::absolute(dir_.filePath("fake.aunet").toStdString()).lexically_normal().string());
  EXPECT_EQ(d.numTraining, 2);
  ASSERT_EQ(d.training.size(), 2u);
  EXPECT_EQ(io::readLabelMap(d.training[0].labelPath).labels(), controller_.document().labels()->labels());

  // What the dataset cannot take is refused, nothing written: a taken name, an unknown label.
  EXPECT_NE(errorOf(folder, "second").find("case already exists"), std::string::npos);
  core::LabelMap odd = *controller_.document().labels();
  odd.at(2, 2, 2) = 5;
  controller_.replaceMask(odd, "", "odd");
  EXPECT_NE(errorOf(folder).find("holds label value 5"), std::string::npos) << errorOf(folder);
  EXPECT_EQ(io::NnUNetDataset::load(folder.toStdString()).training.size(), 2u);
}

TEST_F(CorrectionLoopTest, FineTuningSaysWhyItCannotStart) {
  QString whyNot;
  EXPECT_FALSE(loop_.startFineTune(dir_.path(), dir_.filePath("run"), 1, 1, &whyNot));
  EXPECT_TRUE(whyNot.contains("not available")) << whyNot.toStdString();
  EXPECT_FALSE(loop_.fineTuning());
  EXPECT_FALSE(loop_.startComparison(dir_.filePath("model.aunet"), &whyNot));
  EXPECT_FALSE(whyNot.isEmpty());
}

}  // namespace
}  // namespace aunet::gui
