import json
import unittest

from mav_train.tokenizer import WordTokenizer
from mav_train.world import image_spec


class TokenizerTest(unittest.TestCase):
    def test_encodes_every_caption_without_unknown_words(self):
        tokenizer = WordTokenizer(16)
        for seed in range(500):
            ids = tokenizer.encode(image_spec(seed).caption)
            self.assertEqual(len(ids), 16)
            self.assertEqual(ids[0], tokenizer.start_id)
            self.assertIn(tokenizer.end_id, ids)
            self.assertNotIn(tokenizer.unk_id, ids)

    def test_lowercase_punctuation_truncation_padding(self):
        tokenizer = WordTokenizer(6)
        self.assertEqual(tokenizer.encode("A RED, star!"), tokenizer.encode("a red , star !"))
        words = tokenizer.vocab
        self.assertEqual(tokenizer.encode("a red star"), [1, words["a"], words["red"], words["star"], 2, 0])
        self.assertEqual(tokenizer.encode("a red star on a big"), [1, words["a"], words["red"], words["star"], words["on"], 2])
        self.assertEqual(tokenizer.encode("a unicorn")[2], tokenizer.unk_id)

    def test_tokenizer_json_is_the_hugging_face_format(self):
        tokenizer = WordTokenizer(16)
        document = json.loads(json.dumps(tokenizer.tokenizer_json()))
        self.assertEqual(document["model"]["type"], "WordLevel")
        self.assertEqual(document["model"]["vocab"], tokenizer.vocab)
        self.assertEqual(document["normalizer"], {"type": "Lowercase"})
        self.assertEqual(document["pre_tokenizer"], {"type": "Whitespace"})
        self.assertEqual([t["id"] for t in document["added_tokens"]], [0, 1, 2, 3])
        self.assertEqual(document["padding"]["strategy"], {"Fixed": 16})


if __name__ == "__main__":
    unittest.main()
