#!/bin/sh
echo "corpus: not built yet"
