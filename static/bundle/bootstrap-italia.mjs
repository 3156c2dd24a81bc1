// The Bootstrap Italia components Abilita's pages use, taken from the package's
// own ES modules (dist/plugins) and bundled by genera.sh into
// ../vendor/bootstrap-italia/js/bootstrap-italia.abilita.min.js. Each module
// registers its data-bs-* handlers on the document when it runs, as the full
// bundle does; window.bootstrap exposes the classes for scripts that need them.
//
// Used today: the header menu (navbarcollapsible) and the input labels. Kept for
// the pages being written: collapse and accordion, dropdown, tabs and modals.
// Add a component here, run genera.sh, and update ../vendor/README.md.
import NavBarCollapsible from 'bootstrap-italia/dist/plugins/navbar-collapsible.js'
import Collapse from 'bootstrap-italia/dist/plugins/collapse.js'
import Accordion from 'bootstrap-italia/dist/plugins/accordion.js'
import Dropdown from 'bootstrap-italia/dist/plugins/dropdown.js'
import Tab from 'bootstrap-italia/dist/plugins/tab.js'
import Modal from 'bootstrap-italia/dist/plugins/modal.js'
import Input from 'bootstrap-italia/dist/plugins/input.js'
// Marks focus by mouse or keyboard (data-focus-mouse), which the stylesheet's
// focus outlines read.
import 'bootstrap-italia/dist/plugins/init.js'

window.bootstrap = { NavBarCollapsible, Collapse, Accordion, Dropdown, Tab, Modal, Input }
