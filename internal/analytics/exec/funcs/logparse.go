package funcs

func logParseFuncs() []*Func { return nil }
