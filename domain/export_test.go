package domain

// Transizioni exposes the state machine to the black-box tests, so that they
// can tell allowed pairs from refused ones without copying the table.
var Transizioni = transizioni
