package analytics

import "slices"

// An item is a part of an application's configuration that has an ID
// ("1.1", "2.1", ...): an input, output, reference data source or logging
// option, or an update of one.
type item interface{ itemID() string }

func (in Input) itemID() string          { return in.ID }
func (o Output) itemID() string          { return o.ID }
func (r Reference) itemID() string       { return r.ID }
func (l LoggingOption) itemID() string   { return l.ID }
func (u InputUpdate) itemID() string     { return u.ID }
func (u OutputUpdate) itemID() string    { return u.ID }
func (u ReferenceUpdate) itemID() string { return u.ID }
func (u LoggingUpdate) itemID() string   { return u.ID }

// ids are the items' IDs.
func ids[T item](items []T) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.itemID()
	}
	return out
}

// find returns the index of the item with the ID, or a not-found error
// that calls it what.
func find[T item](a *Application, items []T, what, id string) (int, error) {
	i := slices.IndexFunc(items, func(it T) bool { return it.itemID() == id })
	if i < 0 {
		return i, errNotFoundItem(a, what, id)
	}
	return i, nil
}

// remove deletes the item with the ID from *items, or returns find's
// error.
func remove[T item](a *Application, items *[]T, what, id string) error {
	i, err := find(a, *items, what, id)
	if err != nil {
		return err
	}
	*items = slices.Delete(*items, i, i+1)
	return nil
}

// once checks that each item is updated once.
func once[T item](what string, updates []T) error {
	seen := map[string]bool{}
	for _, u := range updates {
		id := u.itemID()
		if seen[id] {
			return errInvalid("The %s %s is updated twice in one request.", what, id)
		}
		seen[id] = true
	}
	return nil
}

func errNotFoundItem(a *Application, what, id string) *Error {
	return newErr(KindNotFound, "Application %s has no %s with ID %s.", a.Name, what, id)
}
