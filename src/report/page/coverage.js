/*
 * The coverage report's script (govnet report coverage): draws the embedded coverage data with ECharts,
 * which is inlined before it. Every number shown comes from the data as govnet computed it; this script
 * only formats and draws. Division names are user data: they reach the DOM through textContent, the
 * canvas through ECharts' text drawing, and tooltips (HTML) through escapeHtml.
 */
'use strict'
;(function () {
  const CODE = 0
  const NAME = 1
  const GROUPING = 2
  const TOWNSHIPS = 3
  const COVERED = 4
  const VERIFIED = 5
  const COVERAGE = 6
  const VERIFIED_COVERAGE = 7
  const KINDS = 8
  const CHILDREN = 9

  const LEVELS = {
    2: {level: 'province', zh: '省级单位', en: 'provinces'},
    4: {level: 'prefecture', zh: '地级单位', en: 'prefectures'},
    6: {level: 'county', zh: '县级单位', en: 'counties'},
  }
  const COLORS = {covered: '#2f7fc1', verified: '#1f9d6b', axis: '#5f6b7a', grid: '#e6eaf0'}
  /** Coverage share → colour: red (none) through amber and yellow to green (all). */
  const RAMP = [
    [0, [200, 85, 61]],
    [0.25, [233, 162, 59]],
    [0.5, [232, 211, 106]],
    [0.75, [140, 192, 132]],
    [1, [46, 139, 87]],
  ]

  const data = JSON.parse(document.getElementById('coverage-data').textContent)
  const index = new Map()
  ;(function walk(node, parent) {
    index.set(node[CODE], {node, parent})
    for (const child of node[CHILDREN]) walk(child, node)
  })(data.root, undefined)

  let path = [data.root]

  const fmt = (n) => n.toLocaleString('en-US')
  /** A share as govnet printed it ("22.1%") as a number for a chart (22.1). */
  const shareValue = (text) => parseFloat(text)
  const escapeHtml = (text) =>
    String(text).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c])
  const levelBelow = (node) => (node[CHILDREN].length > 0 ? LEVELS[node[CHILDREN][0][CODE].length] : undefined)
  const hasChildren = (node) => node[CHILDREN].length > 0
  /** A kind's townships; the data holds 0 for a kind the division has none of. */
  const townshipsOf = (kind) => (kind === 0 ? 0 : kind[0])

  function rampColor(share) {
    const t = Math.max(0, Math.min(1, share / 100))
    for (let i = 1; i < RAMP.length; i++) {
      const [t1, c1] = RAMP[i]
      const [t0, c0] = RAMP[i - 1]
      if (t <= t1) {
        const f = (t - t0) / (t1 - t0)
        return c0.map((v, k) => Math.round(v + (c1[k] - v) * f))
      }
    }
    return RAMP[RAMP.length - 1][1]
  }
  const rgb = (c) => `rgb(${c[0]},${c[1]},${c[2]})`
  const textOn = (c) => (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] > 150 ? '#1f2933' : '#ffffff')

  function el(tag, attributes, ...children) {
    const element = document.createElement(tag)
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === 'class') element.className = value
      else if (name.startsWith('on')) element.addEventListener(name.slice(2), value)
      else element.setAttribute(name, value)
    }
    for (const child of children) element.append(child)
    return element
  }

  function shareBar(covered, verified) {
    return el(
      'div',
      {class: 'bar'},
      el('span', {class: 'c', style: `width:${shareValue(covered)}%`}),
      el('span', {class: 'v', style: `width:${shareValue(verified)}%`}),
    )
  }

  function tooltip(node) {
    const lines = [
      `<b>${escapeHtml(node[NAME])}</b> <span style="color:#8a94a3">${escapeHtml(node[CODE])}</span>`,
      `乡级单位 Townships: <b>${fmt(node[TOWNSHIPS])}</b>`,
      `已覆盖 Covered: <b>${fmt(node[COVERED])}</b> (${escapeHtml(node[COVERAGE])})`,
      `已核验 Verified: <b>${fmt(node[VERIFIED])}</b> (${escapeHtml(node[VERIFIED_COVERAGE])})`,
    ]
    const below = levelBelow(node)
    if (below) lines.push(`<span style="color:#8a94a3">点击下钻 Click to drill down</span>`)
    return lines.join('<br>')
  }

  /** The tooltip of the division `code`; nothing for anything else ECharts hovers (the treemap's root). */
  const tooltipOf = (code) => {
    const entry = code === undefined ? undefined : index.get(code)
    return entry ? tooltip(entry.node) : ''
  }

  // ---------------------------------------------------------------- charts

  const provinceChart = echarts.init(document.getElementById('province-chart'), null, {renderer: 'canvas'})
  const treemap = echarts.init(document.getElementById('treemap'), null, {renderer: 'canvas'})
  const kindChart = echarts.init(document.getElementById('kind-chart'), null, {renderer: 'canvas'})

  /**
   * One label per bar pair, at the end of the covered bar (never shorter than the verified one): both
   * shares as govnet printed them, in the colours of their bars.
   */
  const shareLabel = (shares) => ({
    show: true,
    position: 'right',
    fontSize: 11,
    formatter: (p) => {
      const [covered, verified] = shares(p.dataIndex)
      return `{c|${covered}} {v|${verified}}`
    },
    rich: {c: {color: COLORS.covered, fontWeight: 600}, v: {color: COLORS.verified}},
  })

  function drawProvinces() {
    const rows = data.root[CHILDREN]
    const names = new Map(rows.map((node) => [node[CODE], node[NAME]]))
    provinceChart.setOption({
      animation: false,
      textStyle: {fontFamily: 'inherit'},
      legend: {top: 0, left: 0, itemWidth: 14, itemHeight: 10, textStyle: {fontSize: 12}},
      grid: {left: 4, right: 96, top: 28, bottom: 4, containLabel: true},
      tooltip: {
        trigger: 'axis',
        axisPointer: {type: 'shadow'},
        formatter: (params) => tooltipOf(params[0] && params[0].name),
      },
      xAxis: {
        type: 'value',
        max: 100,
        splitLine: {lineStyle: {color: COLORS.grid}},
        axisLabel: {formatter: '{value}%', color: COLORS.axis},
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((node) => node[CODE]),
        axisTick: {show: false},
        axisLine: {lineStyle: {color: COLORS.grid}},
        axisLabel: {color: '#1f2933', fontSize: 12, formatter: (code) => names.get(code)},
      },
      series: [
        {
          name: '覆盖率 Covered share',
          type: 'bar',
          barGap: '15%',
          barCategoryGap: '30%',
          barMaxWidth: 16,
          itemStyle: {color: COLORS.covered, borderRadius: [0, 2, 2, 0]},
          label: shareLabel((i) => [rows[i][COVERAGE], rows[i][VERIFIED_COVERAGE]]),
        },
        {
          name: '核验率 Verified share',
          type: 'bar',
          itemStyle: {color: COLORS.verified, borderRadius: [0, 2, 2, 0]},
        },
      ],
    })
    provinceChart.on('click', (params) => {
      const entry = index.get(params.name)
      if (entry && hasChildren(entry.node)) drill(params.name)
    })
  }

  /** The bars of the division the drill-down is in (path[1]) stand out; the others fade while it is selected. */
  function markProvince() {
    const selected = path.length > 1 ? path[1][CODE] : undefined
    const bars = (field) =>
      data.root[CHILDREN].map((node) => ({
        value: shareValue(node[field]),
        itemStyle: {opacity: selected === undefined || node[CODE] === selected ? 1 : 0.35},
      }))
    provinceChart.setOption({series: [{data: bars(COVERAGE)}, {data: bars(VERIFIED_COVERAGE)}]})
  }

  function drawTreemap(node) {
    treemap.setOption(
      {
        animationDurationUpdate: 300,
        textStyle: {fontFamily: 'inherit'},
        tooltip: {formatter: (info) => tooltipOf(info.data && info.data.code)},
        series: [
          {
            type: 'treemap',
            left: 0,
            right: 0,
            top: 0,
            bottom: 0,
            roam: false,
            nodeClick: false,
            breadcrumb: {show: false},
            itemStyle: {borderColor: '#ffffff', borderWidth: 1, gapWidth: 1},
            label: {
              show: true,
              fontSize: 12,
              lineHeight: 16,
              overflow: 'truncate',
              formatter: (p) => {
                const entry = p.data && index.get(p.data.code)
                return entry ? `${entry.node[NAME]}\n${entry.node[COVERAGE]}` : ''
              },
            },
            data: node[CHILDREN].map((child) => {
              const color = rampColor(shareValue(child[COVERAGE]))
              return {
                name: child[CODE],
                code: child[CODE],
                value: child[TOWNSHIPS],
                itemStyle: {color: rgb(color)},
                label: {color: textOn(color)},
              }
            }),
          },
        ],
      },
      {replaceMerge: ['series']},
    )
  }

  function drawKinds(node) {
    const kinds = data.kinds
    kindChart.setOption({
      animation: false,
      textStyle: {fontFamily: 'inherit'},
      legend: {show: false},
      grid: {left: 4, right: 96, top: 4, bottom: 4, containLabel: true},
      tooltip: {
        trigger: 'axis',
        axisPointer: {type: 'shadow'},
        formatter: (params) => {
          const i = params[0].dataIndex
          if (node[KINDS][i] === 0) return `<b>${escapeHtml(kinds[i].name)} ${escapeHtml(kinds[i].label)}</b>: —`
          const [townships, covered, verified, coverage, verifiedCoverage] = node[KINDS][i]
          return [
            `<b>${escapeHtml(kinds[i].name)} ${escapeHtml(kinds[i].label)}</b>`,
            `乡级单位 Townships: <b>${fmt(townships)}</b>`,
            `已覆盖 Covered: <b>${fmt(covered)}</b> (${escapeHtml(coverage)})`,
            `已核验 Verified: <b>${fmt(verified)}</b> (${escapeHtml(verifiedCoverage)})`,
          ].join('<br>')
        },
      },
      xAxis: {type: 'value', max: 100, show: false},
      yAxis: {
        type: 'category',
        inverse: true,
        axisTick: {show: false},
        axisLine: {show: false},
        axisLabel: {color: '#1f2933', fontSize: 12},
        data: kinds.map((k, i) => `${k.name} ${k.label} (${fmt(townshipsOf(node[KINDS][i]))})`),
      },
      series: [
        {
          type: 'bar',
          name: '覆盖率 Covered share',
          barGap: '15%',
          itemStyle: {color: COLORS.covered},
          label: shareLabel((i) => (node[KINDS][i] === 0 ? ['–', ''] : [node[KINDS][i][3], node[KINDS][i][4]])),
          data: node[KINDS].map((k) => (k === 0 ? 0 : shareValue(k[3]))),
        },
        {
          type: 'bar',
          name: '核验率 Verified share',
          itemStyle: {color: COLORS.verified},
          data: node[KINDS].map((k) => (k === 0 ? 0 : shareValue(k[4]))),
        },
      ],
    })
  }

  // ---------------------------------------------------------------- drill-down panel and table

  function drawCrumbs() {
    const crumbs = document.getElementById('crumbs')
    crumbs.replaceChildren()
    path.forEach((node, i) => {
      if (i > 0) crumbs.append(el('span', {class: 'sep'}, '›'))
      const name = node[NAME]
      crumbs.append(
        i === path.length - 1
          ? el('strong', {'aria-current': 'page'}, name)
          : el('button', {class: 'link', type: 'button', onclick: () => drill(node[CODE])}, name),
      )
    })
  }

  function drawSelection(node) {
    const below = levelBelow(node)
    const figure = (zh, en, value, share) =>
      el('span', {}, `${zh} ${en} `, el('b', {}, value), share ? ` (${share})` : '')
    const selection = document.getElementById('selection')
    selection.replaceChildren(
      figure('乡级单位', 'Townships', fmt(node[TOWNSHIPS])),
      figure('已覆盖', 'Covered', fmt(node[COVERED]), node[COVERAGE]),
      figure('已核验', 'Verified', fmt(node[VERIFIED]), node[VERIFIED_COVERAGE]),
      el(
        'span',
        {},
        '下辖 Below: ',
        el('b', {id: 'child-count', 'data-level': below ? below.level : ''}, String(node[CHILDREN].length)),
        below ? ` ${below.zh} ${below.en}` : '',
      ),
    )
  }

  function shareCell(share, verifiedShare) {
    return el('td', {class: 'share'}, `${share} / ${verifiedShare}`, shareBar(share, verifiedShare))
  }

  function row(node, drillable) {
    const name = drillable
      ? el('button', {class: 'link', type: 'button', onclick: () => drill(node[CODE])}, node[NAME])
      : el('span', {}, node[NAME])
    const nameCell = el('td', {class: 'text'}, name)
    if (node[GROUPING]) nameCell.append(el('span', {class: 'tag', title: 'NBS grouping code'}, '统计分组 grouping'))
    return el(
      'tr',
      {'data-code': node[CODE]},
      el('td', {class: 'text'}, node[CODE]),
      nameCell,
      el('td', {}, fmt(node[TOWNSHIPS])),
      el('td', {}, fmt(node[COVERED])),
      el('td', {}, fmt(node[VERIFIED])),
      shareCell(node[COVERAGE], node[VERIFIED_COVERAGE]),
      ...node[KINDS].map((k) =>
        k === 0
          ? el('td', {}, '–')
          : el('td', {title: `${k[3]} covered, ${k[4]} verified`}, `${fmt(k[1])} / ${fmt(k[0])}`),
      ),
    )
  }

  function drawTable(node) {
    const below = levelBelow(node)
    document.getElementById('table-level').textContent = below ? `${node[NAME]} · ${below.zh} ${below.en}` : node[NAME]
    const body = document.querySelector('#division-table tbody')
    body.replaceChildren(...node[CHILDREN].map((child) => row(child, hasChildren(child))))
    if (node[CHILDREN].length === 0) {
      body.append(el('tr', {}, el('td', {class: 'text', colspan: String(6 + data.kinds.length)}, '—')))
    }
    document.querySelector('#division-table tfoot').replaceChildren(row(node, false))
  }

  function drill(code) {
    const chain = []
    for (let entry = index.get(code); entry; entry = entry.parent ? index.get(entry.parent[CODE]) : undefined)
      chain.unshift(entry.node)
    path = chain
    const node = path[path.length - 1]
    drawCrumbs()
    markProvince()
    drawSelection(node)
    drawTreemap(node)
    drawKinds(node)
    drawTable(node)
    const hash = node === data.root ? '' : `#${node[CODE]}`
    if (location.hash !== hash) history.replaceState(null, '', hash || location.pathname + location.search)
  }

  treemap.on('click', (params) => {
    const entry = params.data && index.get(params.data.code)
    if (entry && hasChildren(entry.node)) drill(entry.node[CODE])
  })
  window.addEventListener('hashchange', () => {
    const entry = index.get(location.hash.slice(1))
    if (entry && hasChildren(entry.node)) drill(entry.node[CODE])
  })
  window.addEventListener('resize', () => {
    for (const chart of [provinceChart, treemap, kindChart]) chart.resize()
  })

  // Table header: fixed columns, then one per township kind.
  const head = document.querySelector('#division-table thead tr')
  const th = (zh, en, cls) => el('th', cls ? {class: cls} : {}, zh, el('span', {class: 'en'}, en))
  head.append(
    th('代码', 'Code', 'text'),
    th('名称', 'Name', 'text'),
    th('乡级单位', 'Townships'),
    th('已覆盖', 'Covered'),
    th('已核验', 'Verified'),
    th('覆盖率 / 核验率', 'Covered / verified share'),
    ...data.kinds.map((k) => th(k.name, `${k.label} covered / all`)),
  )

  document.getElementById('ramp').style.background = `linear-gradient(90deg, ${RAMP.map(
    ([t, c]) => `${rgb(c)} ${t * 100}%`,
  ).join(', ')})`
  drawProvinces()
  const start = location.hash.slice(1)
  const target = index.get(start)
  drill(target && hasChildren(target.node) ? start : data.root[CODE])
  document.body.dataset.ready = 'true'
})()
