// node purga.mjs COMPILED.css FULL.css ROOT COMPOSED.txt OUT.css EXCLUDED.txt ELEMENTS.txt
//
// Writes to OUT.css the rules of the stylesheet Sass compiled (COMPILED.css)
// whose selectors only name classes, ids, elements and attributes that appear
// as words in the files that write our pages: the templates, our scripts, the
// Bootstrap Italia script we ship and htmx (they add classes such as "show",
// "collapsing", "htmx-request" at run time), and the Go sources. The classes
// the templates compose from a prefix and a value (COMPOSED.txt) are kept
// whole, and so are the attributes Bootstrap's scripts set under names built
// at run time.
//
// Writes to EXCLUDED.txt the classes of the package's full stylesheet
// (FULL.css) that ours cannot style: those of the components
// bootstrap-italia.scss leaves out, and those no file of ours wrote when the
// stylesheet was built. TestClassiDelFoglio fails when a template or our
// script uses one of them. Writes to ELEMENTS.txt the elements the compiled
// stylesheet styles that no file of ours wrote (pre, kbd, …): their rules are
// left out too, and TestElementiDelFoglio fails when a template writes one.
//
// PurgeCSS 8 drops every selector that begins with a pseudo-class, such as
// Bootstrap Italia's focus ring ":focus:not([data-focus-mouse=true])", whatever
// the pages hold. Those selectors are given first the universal selector they
// imply, "*:focus:not(…)": the same elements, the same specificity.
import fs from 'fs'
import postcss from 'postcss'
import parser from 'postcss-selector-parser'
import { PurgeCSS } from 'purgecss'

const [compilato, completo, radice, composte, uscita, escluse, elementi] = process.argv.slice(2)
const sorgenti = [
  radice + '/views/**/*.html',
  radice + '/static/js/*.js',
  radice + '/static/vendor/htmx/htmx.min.js',
  radice + '/static/vendor/bootstrap-italia/js/bootstrap-italia.abilita.min.js',
  radice + '/{domain,handlers,views,static}/**/*.go',
]
const tenute = []
for (const riga of fs.readFileSync(composte, 'utf8').split('\n')) {
  const [prefisso, ...valori] = riga.replace(/#.*/, '').trim().split(/\s+/)
  if (prefisso) for (const v of valori) tenute.push(prefisso + v)
}
const esplicito = parser((selettori) => selettori.each((s) => {
  const primo = s.first
  if (primo && primo.type === 'pseudo' && !primo.value.startsWith('::') && primo.value !== ':root') {
    s.prepend(parser.universal())
  }
}))
const albero = postcss.parse(fs.readFileSync(compilato, 'utf8'))
albero.walkRules((r) => {
  if (r.parent.type !== 'atrule' || !/keyframes$/.test(r.parent.name)) r.selector = esplicito.processSync(r.selector)
})
const purga = new PurgeCSS()
const [foglio] = await purga.purge({
  css: [{ raw: albero.toString() }],
  content: sorgenti,
  safelist: tenute,
  // Dropdowns get data-bs-popper from Manipulator.setDataAttribute('popper'),
  // Popper its placement: names no source file spells out.
  dynamicAttributes: ['data-bs-popper', 'data-popper-placement'],
})
fs.writeFileSync(uscita, foglio.css)

const classi = (testo) => new Set([...testo.replace(/url\([^)]*\)/g, '')
  .matchAll(/\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)/g)].map((m) => m[1]))
const scritte = await purga.extractSelectorsFromFiles(sorgenti, [])
const nostre = classi(fs.readFileSync(compilato, 'utf8'))
const fuori = [...classi(fs.readFileSync(completo, 'utf8'))]
  .filter((c) => !nostre.has(c) || !(scritte.hasClass(c) || tenute.includes(c)))
fs.writeFileSync(escluse, fuori.sort().join('\n') + '\n')

const stilati = new Set()
const etichette = parser((selettori) => selettori.walkTags((e) => {
  const dentro = e.parent && e.parent.parent
  if (!(dentro && dentro.type === 'pseudo' && /^:nth-/.test(dentro.value))) stilati.add(e.value.toLowerCase()) // not "odd" in :nth-child(odd)
}))
albero.walkRules((r) => {
  if (r.parent.type !== 'atrule' || !/keyframes$/.test(r.parent.name)) etichette.processSync(r.selector)
})
fs.writeFileSync(elementi, [...stilati].filter((e) => /^[a-z][a-z0-9]*$/.test(e) && !scritte.hasTag(e)).sort().join('\n') + '\n')
