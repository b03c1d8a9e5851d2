package main

import "flag"

var update = flag.Bool("update", false, "rewrite the golden files")

var devMemory = flag.Bool("dev-memory", false, "measure hearingbot dev's memory with 3,000 messages of 16 KB (TestDevMemory, a minute or two)")
