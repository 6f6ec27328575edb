package sql

// application reads statements until the end of the code. Empty statements
// (;;) are allowed, as the console's editor leaves them.
func (p *parser) application() *Application {
	app := &Application{}
	for {
		for p.acceptSym(";") {
		}
		p.note(expEOF)
		if p.tok().kind == tokEOF {
			return app
		}
		app.Statements = append(app.Statements, p.statement())
		p.note(expEOF)
		if p.tok().kind == tokEOF {
			return app
		}
		p.expectSym(";")
	}
}

// statement reads one CREATE statement. Application code holds only
// definitions: a query or an INSERT runs in a pump, so a bare one is
// refused with a message that says so.
func (p *parser) statement() Statement {
	start := p.tok().pos
	switch {
	case p.isWord("INSERT"):
		p.expectOnly("CREATE")
		p.failHint("an INSERT runs in a pump: CREATE OR REPLACE PUMP name AS INSERT INTO ...")
	case p.isWord("SELECT"), p.isWord("VALUES"):
		p.expectOnly("CREATE")
		p.failHint("application code holds only CREATE statements; a query runs in a pump: CREATE OR REPLACE PUMP name AS INSERT INTO stream SELECT STREAM ...")
	}
	p.expectWord("CREATE")
	orReplace := false
	if p.acceptWord("OR") {
		p.expectWord("REPLACE")
		orReplace = true
	}
	switch {
	case p.acceptWord("STREAM"):
		return p.createStream(start, orReplace)
	case p.acceptWord("PUMP"):
		return p.createPump(start, orReplace)
	case p.acceptWord("FUNCTION"):
		return p.createFunction(start, orReplace)
	}
	switch {
	case p.isWord("TABLE"):
		p.failHint("reference tables come from the application's reference data source, not from code")
	case p.isWord("VIEW"):
		p.failHint("views are not part of Kinesis Data Analytics application code; use an in-application stream and a pump")
	}
	p.fail()
	return nil
}

func (p *parser) createStream(start Pos, orReplace bool) *CreateStream {
	cs := &CreateStream{Pos: start, OrReplace: orReplace, Name: p.objectName()}
	p.expectSym("(")
	for {
		cs.Columns = append(cs.Columns, p.columnDef())
		if !p.acceptSym(",") {
			break
		}
	}
	p.expectSym(")")
	if p.acceptWord("DESCRIPTION") {
		cs.Description = p.stringLit()
	}
	return cs
}

func (p *parser) columnDef() ColumnDef {
	name := p.ident()
	c := ColumnDef{Pos: name.Pos, Name: name, Type: p.typeName()}
	if p.acceptWord("NOT") {
		p.expectWord("NULL")
		c.NotNull = true
	} else {
		p.acceptWord("NULL") // explicitly nullable: the default
	}
	return c
}

func (p *parser) createPump(start Pos, orReplace bool) *CreatePump {
	cp := &CreatePump{Pos: start, OrReplace: orReplace, Name: p.objectName()}
	switch {
	case p.acceptWord("STARTED"):
		cp.State = PumpStarted
	case p.acceptWord("STOPPED"):
		cp.State = PumpStopped
	}
	if p.acceptWord("DESCRIPTION") {
		cp.Description = p.stringLit()
	}
	p.expectWord("AS")
	cp.Insert = p.insert()
	return cp
}

func (p *parser) insert() *Insert {
	ins := &Insert{Pos: p.expectWord("INSERT").pos}
	ins.Expedited = p.acceptWord("EXPEDITED")
	p.expectWord("INTO")
	ins.Target = p.objectName()
	// A parenthesis after the target opens either the column list or a
	// parenthesised query.
	if p.isSym("(") && !p.startsQueryAt(1) {
		ins.Columns = p.parenIdentList()
	}
	ins.Query = p.query()
	return ins
}

// startsQueryAt reports whether the token n ahead, after any number of
// opening parentheses, starts a query.
func (p *parser) startsQueryAt(n int) bool {
	for p.isSymAt(n, "(") {
		n++
	}
	return p.isWordAt(n, "SELECT") || p.isWordAt(n, "VALUES")
}

func (p *parser) createFunction(start Pos, orReplace bool) *CreateFunction {
	cf := &CreateFunction{Pos: start, OrReplace: orReplace, Name: p.objectName()}
	p.expectSym("(")
	if !p.acceptSym(")") {
		for {
			name := p.ident()
			cf.Params = append(cf.Params, FuncParam{Name: name, Type: p.typeName()})
			if !p.acceptSym(",") {
				break
			}
		}
		p.expectSym(")")
	}
	p.expectWord("RETURNS")
	cf.Returns = p.typeName()
	for !p.acceptWord("RETURN") {
		cf.Characteristics = append(cf.Characteristics, p.routineCharacteristic(cf))
	}
	cf.Body = p.expr()
	return cf
}

// routineCharacteristic reads one of the clauses between RETURNS type and
// RETURN, in any order, and returns its canonical spelling ("SPECIFIC" for
// SPECIFIC name, whose name goes to cf.Specific).
func (p *parser) routineCharacteristic(cf *CreateFunction) string {
	switch {
	case p.acceptWord("LANGUAGE"):
		p.expectWord("SQL")
		return "LANGUAGE SQL"
	case p.acceptWord("SPECIFIC"):
		name := p.ident()
		cf.Specific = &name
		return "SPECIFIC"
	case p.acceptWord("DETERMINISTIC"):
		return "DETERMINISTIC"
	case p.acceptWord("NOT"):
		p.expectWord("DETERMINISTIC")
		return "NOT DETERMINISTIC"
	case p.acceptWord("CONTAINS"):
		p.expectWord("SQL")
		return "CONTAINS SQL"
	case p.acceptWord("READS"):
		p.expectWord("SQL")
		p.expectWord("DATA")
		return "READS SQL DATA"
	case p.acceptWord("MODIFIES"):
		p.expectWord("SQL")
		p.expectWord("DATA")
		return "MODIFIES SQL DATA"
	case p.acceptWord("RETURNS"):
		p.expectWord("NULL")
		p.expectWord("ON")
		p.expectWord("NULL")
		p.expectWord("INPUT")
		return "RETURNS NULL ON NULL INPUT"
	case p.acceptWord("CALLED"):
		p.expectWord("ON")
		p.expectWord("NULL")
		p.expectWord("INPUT")
		return "CALLED ON NULL INPUT"
	}
	p.fail()
	return ""
}
